package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings of one configuration record, and the one place its canonical constructor is called
 * (its factory, given the value of each setting). The record's defaults, a copy with one value
 * replaced, and the record as a file's section gives it are all made through that factory, so a
 * component, its key, its default and its syntax are written once.
 *
 * @param <R> the record
 */
final class Table<R> {
    /** A record's values, one per setting: what its factory reads them from. */
    static final class Values<R> {
        private final Function<Setting<R, ?>, Object> source;

        private Values(Function<Setting<R, ?>, Object> source) {
            this.source = source;
        }

        @SuppressWarnings("unchecked") // each source gives a setting a value of that setting's type
        <T> T get(Setting<R, T> s) {
            return (T) source.apply(s);
        }
    }

    private final Function<Values<R>, R> factory;
    private final List<Setting<R, ?>> settings = new ArrayList<>();
    private volatile R defaults;

    Table(Function<Values<R>, R> factory) {
        this.factory = factory;
    }

    /** Every setting at its default (made on first use, once every setting is declared). */
    R defaults() {
        R d = defaults;
        if (d == null) {
            d = make(Setting::dflt);
            defaults = d;
        }
        return d;
    }

    /** The record a file's section gives; what it leaves out is the default, what is wrong a problem. */
    R read(Section s) {
        return make(setting -> setting.read(s));
    }

    /** The record a file's section gives, with some values read by the caller instead. */
    R read(Section s, Map<Setting<R, ?>, Object> given) {
        return make(setting -> given.containsKey(setting) ? given.get(setting) : setting.read(s));
    }

    <T> R with(R record, Setting<R, T> s, T value) {
        return make(x -> x == s ? value : x.get(record));
    }

    /** "key value, key value, ..." as the file writes them: for the log. */
    String describe(R record) {
        return settings.stream()
                .filter(s -> !s.key().isEmpty())
                .map(s -> s.key() + " " + shown(s, record))
                .collect(Collectors.joining(", "));
    }

    private static <R, T> String shown(Setting<R, T> s, R record) {
        return s.show(s.get(record));
    }

    private R make(Function<Setting<R, ?>, Object> source) {
        return factory.apply(new Values<>(source));
    }

    private <T> Setting<R, T> add(Setting<R, T> s) {
        settings.add(s);
        return s;
    }

    /** A single value in the file. */
    <T> Setting<R, T> scalar(
            String key, T dflt, Function<String, T> parse, Function<T, String> show, Function<R, T> get) {
        return add(new Setting<>(this, key, dflt, parse, show, get, s -> s.parsed(key, dflt, parse)));
    }

    Setting<R, Integer> integer(String key, int dflt, int min, int max, Function<R, Integer> get) {
        return scalar(key, dflt, v -> Units.integer(v, min, max), String::valueOf, get);
    }

    Setting<R, Double> decimal(String key, double dflt, double min, double max, Function<R, Double> get) {
        return scalar(key, dflt, v -> Units.decimal(v, min, max), Units::formatDecimal, get);
    }

    Setting<R, Long> number(String key, long dflt, long min, long max, Function<R, Long> get) {
        return scalar(
                key,
                dflt,
                v -> {
                    try {
                        long n = Long.parseLong(v.trim());
                        if (n < min || n > max) {
                            throw new IllegalArgumentException(
                                    "expected a whole number from " + min + " to " + max + ", got " + n);
                        }
                        return n;
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
                    }
                },
                String::valueOf,
                get);
    }

    Setting<R, Long> size(String key, long dflt, long min, long max, Function<R, Long> get) {
        return scalar(key, dflt, v -> Units.size(v, min, max), Units::formatSize, get);
    }

    Setting<R, Duration> duration(String key, Duration dflt, Function<R, Duration> get) {
        return scalar(key, dflt, Units::duration, Units::formatDuration, get);
    }

    Setting<R, Boolean> bool(String key, boolean dflt, Function<R, Boolean> get) {
        return scalar(key, dflt, Units::bool, String::valueOf, get);
    }

    Setting<R, String> string(String key, String dflt, Function<R, String> get) {
        return scalar(key, dflt, v -> v, v -> v, get);
    }

    /** An absolute path; "" (or absent, with an empty default) is none. */
    Setting<R, Optional<Path>> path(String key, Function<R, Optional<Path>> get) {
        return scalar(
                key,
                Optional.empty(),
                Units::absolutePath,
                p -> p.map(Path::toString).orElse(""),
                get);
    }

    /** A list (a single value counts as a list of one); each item is checked, a bad one is a problem. */
    <T> Setting<R, List<T>> list(String key, List<T> dflt, Function<String, T> item, Function<R, List<T>> get) {
        return arguments(key, dflt, (vocabulary, v) -> item.apply(v), get);
    }

    /** A list of {@code allow-args} or {@code allow-subcommands} entries, checked against the loader's vocabulary. */
    <T> Setting<R, List<T>> arguments(
            String key, List<T> dflt, BiFunction<ArgumentVocabulary, String, T> item, Function<R, List<T>> get) {
        List<T> none = List.copyOf(dflt);
        return add(new Setting<>(
                this,
                key,
                none,
                v -> List.of(item.apply(ArgumentVocabulary.SYNTAX_ONLY, v)),
                l -> l.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")),
                get,
                s -> s.has(key) ? s.list(key, item) : none));
    }

    /** A record of its own under {@code key:}. */
    <T> Setting<R, T> section(String key, Table<T> nested, Function<R, T> get) {
        return add(new Setting<>(
                this,
                key,
                nested.defaults(),
                notOneWord(key + " is set by its keys, " + nested.describe(nested.defaults())),
                nested::describe,
                get,
                s -> {
                    Section sub = s.section(key);
                    T v = nested.read(sub);
                    sub.finish();
                    return v;
                }));
    }

    /**
     * A record under {@code key:} that one word may also give ({@code on} or {@code off}, say); anything
     * but a single value is read as a mapping by {@code nested}, whose defaults fill what it leaves out.
     */
    <T> Setting<R, T> wordOrSection(
            String key,
            T dflt,
            Function<String, T> word,
            Function<T, String> show,
            Table<T> nested,
            Function<R, T> get) {
        return add(new Setting<>(this, key, dflt, word, show, get, s -> {
            if (s.value(key).isEmpty() || s.value(key).get() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode) {
                return s.parsed(key, dflt, word);
            }
            Section sub = s.section(key);
            T v = nested.read(sub);
            sub.finish();
            return v;
        }));
    }

    /** A record whose keys stand in this record's own section. */
    <T> Setting<R, T> inline(Table<T> nested, Function<R, T> get) {
        return add(new Setting<>(
                this,
                "",
                nested.defaults(),
                notOneWord("set by its keys, " + nested.describe(nested.defaults())),
                nested::describe,
                get,
                nested::read));
    }

    /** A component the file does not set itself (a profile's name is its key); read by the loader. */
    <T> Setting<R, T> computed(T dflt, Function<R, T> get) {
        return add(new Setting<>(this, "", dflt, notOneWord("not a key of the file"), String::valueOf, get, s -> dflt));
    }

    /** The parse of a value no single word gives (a flag that sets it has a syntax of its own). */
    private static <T> Function<String, T> notOneWord(String why) {
        return v -> {
            throw new IllegalArgumentException(why);
        };
    }
}
