package io.github.tribuoswa.reproduction;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Java example of README.md and docs/*.md compiles against the project as built, with
 * deprecation warnings as errors, so the documentation can neither drift from the API nor teach
 * a deprecated call. A block is the body of a method; its {@code import} lines are imports, and
 * the variables it takes from its surroundings (data sets, a network) are declared in an HTML
 * comment on the line before it: {@code <!-- context: MutableDataset<Label> train, … -->}.
 */
public class DocSnippetsTest {

    private static final Pattern CONTEXT = Pattern.compile("<!--\\s*context:\\s*(.*?)\\s*-->");

    private static final String IMPORTS = String.join("\n",
            "import io.github.tribuoswa.averaging.*;",
            "import io.github.tribuoswa.calibration.*;",
            "import io.github.tribuoswa.data.*;",
            "import io.github.tribuoswa.ensemble.*;",
            "import io.github.tribuoswa.nn.*;",
            "import io.github.tribuoswa.nn.convert.*;",
            "import io.github.tribuoswa.nn.core.*;",
            "import io.github.tribuoswa.nn.listen.*;",
            "import io.github.tribuoswa.nn.network.*;",
            "import io.github.tribuoswa.nn.optim.*;",
            "import io.github.tribuoswa.nn.swa.*;",
            "import io.github.tribuoswa.schedule.*;",
            "import io.github.tribuoswa.sgd.*;",
            "import io.github.tribuoswa.storage.*;",
            "import org.tribuo.*;",
            "import org.tribuo.classification.*;",
            "import org.tribuo.classification.evaluation.*;",
            "import org.tribuo.classification.sgd.linear.*;",
            "import org.tribuo.classification.sgd.objectives.*;",
            "import org.tribuo.ensemble.*;",
            "import org.tribuo.math.optimisers.*;",
            "import java.nio.file.*;", "");

    /**
     * One Java block of a Markdown file.
     * @param file The file.
     * @param line The line of its opening fence.
     * @param imports Its import lines.
     * @param context The parameters it takes from its surroundings.
     * @param body The rest.
     */
    record Snippet(Path file, int line, List<String> imports, String context, String body) {
        String source(String className) {
            return IMPORTS + String.join("\n", imports) + "\n\nclass " + className + " {\n    void run(" + context
                    + ") throws Exception {\n" + body + "\n    }\n}\n";
        }
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no README.md and docs/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static List<Snippet> snippets() throws IOException {
        Path root = root();
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).trim().equals("```java")) {
                    continue;
                }
                Matcher m = i > 0 ? CONTEXT.matcher(lines.get(i - 1)) : null;
                String context = m != null && m.find() ? m.group(1) : "";
                List<String> imports = new ArrayList<>();
                StringBuilder body = new StringBuilder();
                int j = i + 1;
                for (; j < lines.size() && !lines.get(j).trim().equals("```"); j++) {
                    if (lines.get(j).startsWith("import ")) {
                        imports.add(lines.get(j));
                    } else {
                        body.append(lines.get(j)).append('\n');
                    }
                }
                out.add(new Snippet(root.relativize(f), i + 1, imports, context, body.toString()));
                i = j;
            }
        }
        return out;
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    @Test
    public void theDocsHaveJavaExamples() throws IOException {
        assertTrue(snippets().size() >= 9, "found " + snippets().size() + " Java blocks");
    }

    @TestFactory
    public Stream<DynamicTest> everyJavaExampleCompiles() throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = Files.createTempDirectory("doc-snippets");
        List<Snippet> all = snippets();
        return all.stream().map(s -> DynamicTest.dynamicTest(s.file() + ":" + s.line(), () -> {
            String name = "Snippet" + all.indexOf(s);
            String code = s.source(name);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            boolean ok = compiler.getTask(null, null, diagnostics,
                    List.of("-classpath", classpath, "-d", out.toString(), "-proc:none", "-Xlint:deprecation", "-Werror"), null,
                    List.of(new Source(name, code))).call();
            if (!ok) {
                StringBuilder b = new StringBuilder(s.file() + ":" + s.line() + " does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    b.append("  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
                }
                fail(b.append("--- as compiled:\n").append(code).toString());
            }
        }));
    }
}
