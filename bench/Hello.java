/** The floor under the client's start-up: a JVM that prints one line, run with the client's flags. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
