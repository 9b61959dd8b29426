/*
 * The container client's JNI helper: connect(2) to a Unix-domain stream socket, and (below) the
 * termios calls of interactive sessions.
 * connect(2) is here for start-up time: the JDK's SocketChannel for AF_UNIX seeds a SecureRandom in a
 * static initialiser, which costs about as much as the rest of the client together. The termios calls
 * are here because these four are all a raw-mode client needs (docs/ARCHITECTURE.md says why not JLine).
 * Errors are returned as negative errno values; the Java side turns them into messages.
 */
#include <jni.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

JNIEXPORT jint JNICALL
Java_dev_claudebridge_client_NativeUnixSocket_connect0(JNIEnv *env, jclass cls, jbyteArray path, jobject fdObj) {
    (void) cls;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    jsize n = (*env)->GetArrayLength(env, path);
    if (n <= 0 || (size_t) n >= sizeof addr.sun_path) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *) addr.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    jclass fdClass = (*env)->GetObjectClass(env, fdObj);
    jfieldID field = (*env)->GetFieldID(env, fdClass, "fd", "I");
    if (field == NULL) {
        close(fd);
        return -ENOSYS;
    }
    (*env)->SetIntField(env, fdObj, field, fd);
    return fd;
}

/*
 * Terminal control for interactive sessions: the few termios calls a raw-mode client needs. The saved
 * attributes travel to Java as an opaque byte array so the caller restores exactly what it found.
 */
#include <termios.h>
#include <sys/ioctl.h>

JNIEXPORT jboolean JNICALL
Java_dev_claudebridge_client_NativeTerminal_isatty0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return isatty(fd) ? JNI_TRUE : JNI_FALSE;
}

/* Returns the terminal's size as (columns << 16 | rows), or -errno. */
JNIEXPORT jint JNICALL
Java_dev_claudebridge_client_NativeTerminal_size0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) < 0) {
        return -errno;
    }
    return ((jint) ws.ws_col << 16) | ws.ws_row;
}

/* Puts the terminal in raw mode; returns the previous attributes for restore0, or NULL on failure. */
JNIEXPORT jbyteArray JNICALL
Java_dev_claudebridge_client_NativeTerminal_enterRaw0(JNIEnv *env, jclass cls, jint fd) {
    (void) cls;
    struct termios saved, raw;
    if (tcgetattr(fd, &saved) < 0) {
        return NULL;
    }
    raw = saved;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSADRAIN, &raw) < 0) {
        return NULL;
    }
    jbyteArray out = (*env)->NewByteArray(env, sizeof saved);
    if (out != NULL) {
        (*env)->SetByteArrayRegion(env, out, 0, sizeof saved, (const jbyte *) &saved);
    }
    return out;
}

JNIEXPORT jint JNICALL
Java_dev_claudebridge_client_NativeTerminal_restore0(JNIEnv *env, jclass cls, jint fd, jbyteArray saved) {
    (void) cls;
    struct termios t;
    if ((*env)->GetArrayLength(env, saved) != (jsize) sizeof t) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, saved, 0, sizeof t, (jbyte *) &t);
    return tcsetattr(fd, TCSADRAIN, &t) < 0 ? -errno : 0;
}
