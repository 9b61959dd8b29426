package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathMapperTest {
    /** Lexical mappings: nothing here touches the file system, so the host sides need not exist. */
    private static final PathMapper LEXICAL = new PathMapper(List.of(
            PathMapping.parse("/workspace=/srv/ws"),
            PathMapping.parse("/workspace/proj=/srv/proj"),
            PathMapping.parse("/data/in=/mnt/in")));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/workspace,                  /srv/ws",
        "/workspace/,                 /srv/ws",
        "/workspace/a/b,              /srv/ws/a/b",
        "//workspace//a,              /srv/ws/a",
        "/workspace/./a/../b,         /srv/ws/b",
        "/workspace/proj,             /srv/proj",
        "/workspace/proj/src/main,    /srv/proj/src/main",
        "/workspace/project,          /srv/ws/project",
        "/workspace/proj/../other,    /srv/ws/other",
        "/workspace/proj2/x,          /srv/ws/proj2/x",
        "/data/in/../in/f,            /mnt/in/f",
    })
    void mapsByLongestWholeComponentPrefix(String cwd, String host) {
        assertThat(LEXICAL.mapLexically(cwd)).isEqualTo(Path.of(host));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(
            strings = {
                "/workspace2",
                "/workspace2/a",
                "/workspac",
                "/",
                "/etc",
                "/workspace/../etc",
                "/workspace/..",
                "/data",
                "/data/input",
                "/data/in/../../workspace2"
            })
    void refusesWhatNoMappingCovers(String cwd) {
        assertThatThrownBy(() -> LEXICAL.mapLexically(cwd))
                .isInstanceOfSatisfying(Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                .hasMessageContaining(cwd)
                .hasMessageContaining("/workspace=/srv/ws")
                .hasMessageContaining("/workspace/proj=/srv/proj")
                .hasMessageContaining("/data/in=/mnt/in");
    }

    @ParameterizedTest(name = "relative \"{0}\" is refused")
    @ValueSource(strings = {"workspace", "workspace/a", "./workspace", "../workspace", ""})
    void refusesRelativeWorkingDirectories(String cwd) {
        assertThatThrownBy(() -> LEXICAL.mapLexically(cwd))
                .isInstanceOfSatisfying(Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                .hasMessageContaining("absolute");
    }

    @Test
    void theOrderOfTheMappingsDoesNotMatter() {
        PathMapper shortFirst = new PathMapper(List.of(PathMapping.parse("/w=/a"), PathMapping.parse("/w/x/y=/b")));
        PathMapper longFirst = new PathMapper(List.of(PathMapping.parse("/w/x/y=/b"), PathMapping.parse("/w=/a")));
        for (PathMapper m : List.of(shortFirst, longFirst)) {
            assertThat(m.mapLexically("/w/x/y/z")).isEqualTo(Path.of("/b/z"));
            assertThat(m.mapLexically("/w/x/z")).isEqualTo(Path.of("/a/x/z"));
        }
    }

    @Test
    void withoutMappingsEverythingIsRefusedAndTheMessageSaysSo() {
        PathMapper none = new PathMapper(List.of());
        assertThat(none.isEmpty()).isTrue();
        assertThatThrownBy(() -> none.mapLexically("/workspace"))
                .isInstanceOf(Denial.class)
                .hasMessageContaining("/workspace")
                .hasMessageContaining("(none)");
    }

    /** Mappings onto real directories, for {@link PathMapper#mapDirectory}. */
    @Nested
    class OnDisk {
        @TempDir
        Path tmp;

        Path ws;
        Path outside;
        PathMapper mapper;

        @BeforeEach
        void layout() throws IOException {
            ws = Files.createDirectories(tmp.resolve("ws")).toRealPath();
            outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
            Files.createDirectories(ws.resolve("src/main"));
            mapper = new PathMapper(List.of(new PathMapping(Path.of("/workspace"), ws)));
        }

        @Test
        void theContainerRootMapsToTheHostRoot() {
            assertThat(mapper.mapDirectory("/workspace")).isEqualTo(ws);
            assertThat(mapper.mapDirectory("/workspace/")).isEqualTo(ws);
        }

        @Test
        void aSubdirectoryMapsToTheRealHostDirectory() {
            assertThat(mapper.mapDirectory("/workspace/src/main")).isEqualTo(ws.resolve("src/main"));
            assertThat(mapper.mapDirectory("/workspace/src/../src/main/.")).isEqualTo(ws.resolve("src/main"));
        }

        @Test
        void dotDotOutOfTheMappingIsRefusedBeforeTouchingTheDisk() {
            assertThatThrownBy(() -> mapper.mapDirectory("/workspace/../etc"))
                    .isInstanceOfSatisfying(
                            Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                    .hasMessageContaining("/workspace/../etc")
                    .hasMessageContaining("/workspace=" + ws);
        }

        @Test
        void aSymlinkLeadingOutsideTheMappingIsRefused() throws IOException {
            Files.createSymbolicLink(ws.resolve("escape"), outside);
            assertThatThrownBy(() -> mapper.mapDirectory("/workspace/escape"))
                    .isInstanceOfSatisfying(
                            Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                    .hasMessageContaining("/workspace/escape")
                    .hasMessageContaining("outside")
                    .hasMessageContaining("symbolic link");
        }

        @Test
        void aSymlinkToTheMappingsParentIsRefused() throws IOException {
            Files.createSymbolicLink(ws.resolve("up"), Path.of(".."));
            assertThatThrownBy(() -> mapper.mapDirectory("/workspace/up/outside"))
                    .isInstanceOf(Denial.class)
                    .hasMessageContaining("symbolic link");
        }

        @Test
        void aSymlinkThatStaysInsideIsFollowedToTheRealPath() throws IOException {
            Files.createSymbolicLink(ws.resolve("main"), Path.of("src/main"));
            assertThat(mapper.mapDirectory("/workspace/main")).isEqualTo(ws.resolve("src/main"));
        }

        @Test
        void aHostRootThatIsItselfASymlinkStillWorks() throws IOException {
            Path link = Files.createSymbolicLink(tmp.resolve("ws-link"), ws);
            PathMapper viaLink = new PathMapper(List.of(new PathMapping(Path.of("/workspace"), link)));
            assertThat(viaLink.mapDirectory("/workspace/src")).isEqualTo(ws.resolve("src"));
        }

        @Test
        void aMissingHostDirectoryIsRefused() {
            assertThatThrownBy(() -> mapper.mapDirectory("/workspace/not-there"))
                    .isInstanceOfSatisfying(
                            Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                    .hasMessageContaining("/workspace/not-there")
                    .hasMessageContaining("does not exist");
        }

        @Test
        void aMissingHostRootIsRefused() {
            PathMapper gone = new PathMapper(List.of(new PathMapping(Path.of("/workspace"), tmp.resolve("gone"))));
            assertThatThrownBy(() -> gone.mapDirectory("/workspace"))
                    .isInstanceOf(Denial.class)
                    .hasMessageContaining("does not exist");
        }

        @Test
        void aRegularFileIsNotAWorkingDirectory() throws IOException {
            Files.writeString(ws.resolve("file.txt"), "x");
            assertThatThrownBy(() -> mapper.mapDirectory("/workspace/file.txt"))
                    .isInstanceOf(Denial.class)
                    .hasMessageContaining("not a directory");
        }

        @Test
        void aRelativeWorkingDirectoryIsRefused() {
            assertThatThrownBy(() -> mapper.mapDirectory("workspace/src"))
                    .isInstanceOfSatisfying(
                            Denial.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CWD_NOT_MAPPED))
                    .hasMessageContaining("absolute");
        }
    }
}
