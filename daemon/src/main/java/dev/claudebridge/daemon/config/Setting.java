package dev.claudebridge.daemon.config;

import java.util.function.Function;

/**
 * One key of the configuration, declared once in its record's {@link Table}: its name, its default,
 * how its text is read (the file's syntax, which a flag setting the same key shares), how a value is
 * written back, and which component of the record holds it.
 *
 * @param <R> the record it is a component of
 * @param <T> its value
 */
public final class Setting<R, T> {
    private final Table<R> table;
    private final String key;
    private final T dflt;
    private final Function<String, T> parse;
    private final Function<T, String> show;
    private final Function<R, T> get;
    /** Reads the value from the file's section that holds the key. */
    private final Function<Section, T> reader;

    Setting(
            Table<R> table,
            String key,
            T dflt,
            Function<String, T> parse,
            Function<T, String> show,
            Function<R, T> get,
            Function<Section, T> reader) {
        this.table = table;
        this.key = key;
        this.dflt = dflt;
        this.parse = parse;
        this.show = show;
        this.get = get;
        this.reader = reader;
    }

    /** Its key in its section; "" for a value the file does not name (a profile's name, a nested record's keys). */
    public String key() {
        return key;
    }

    public T dflt() {
        return dflt;
    }

    /**
     * A value in the file's syntax (for a list, one item as a list of one).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public T parse(String text) {
        return parse.apply(text);
    }

    /** A value as the file would write it. */
    public String show(T value) {
        return show.apply(value);
    }

    /** This setting's value in a record. */
    public T get(R record) {
        return get.apply(record);
    }

    /** A copy of {@code record} with this setting's value replaced. */
    public R with(R record, T value) {
        return table.with(record, this, value);
    }

    T read(Section s) {
        return reader.apply(s);
    }

    @Override
    public String toString() {
        return key;
    }
}
