package io.github.tribuoswa.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java examples compile against the published artifact plus exactly the
 * dependencies the README lists: a throw-away Maven project with that dependency block resolves
 * the class path (offline, from the local repository this build installed into), and the
 * examples are compiled against it, with only the plugin's and those dependencies' packages
 * imported. Without the listed {@code tribuo-classification-sgd} they must not compile.
 */
public class ReadmeDependenciesIT {

    private static final Path README = Path.of(System.getProperty("tribuoswa.repo.root", "."), "README.md");
    private static final String IMPORTS = String.join("\n",
            "import io.github.tribuoswa.averaging.*;", "import io.github.tribuoswa.calibration.*;", "import io.github.tribuoswa.ensemble.*;",
            "import io.github.tribuoswa.nn.*;", "import io.github.tribuoswa.nn.convert.*;", "import io.github.tribuoswa.nn.network.*;",
            "import io.github.tribuoswa.nn.optim.*;", "import io.github.tribuoswa.nn.swa.*;", "import io.github.tribuoswa.schedule.*;",
            "import io.github.tribuoswa.sgd.*;", "import io.github.tribuoswa.storage.*;", "import org.tribuo.*;", "import org.tribuo.classification.*;",
            "import org.tribuo.classification.sgd.linear.*;", "import org.tribuo.classification.sgd.objectives.*;",
            "import org.tribuo.math.optimisers.*;", "import java.nio.file.*;", "");

    private static String dependencies(String readme) {
        Matcher m = Pattern.compile("<!-- readme-dependencies -->\\s*```xml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no <!-- readme-dependencies --> block");
        return m.group(1);
    }

    private static List<String> javaBlocks(String readme) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<!-- context: (.*?) -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            out.add("class Readme" + out.size() + " {\n    void run(" + m.group(1) + ") throws Exception {\n" + m.group(2) + "\n    }\n}\n");
        }
        return out;
    }

    /** The class path Maven resolves for a project with these dependencies. */
    private static String classpath(Path dir, String dependencies) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n<modelVersion>4.0.0</modelVersion>\n"
                + "<groupId>readme.check</groupId><artifactId>readme-check</artifactId><version>1</version>\n<dependencies>\n" + dependencies
                + "</dependencies>\n</project>\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("classpath.txt");
        Process p = new ProcessBuilder("mvn", "-o", "-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=" + out, "-Dmdep.includeScope=compile").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mvn.log").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mvn timed out");
        assertEquals(0, p.exitValue(), "mvn could not resolve the README's dependencies: " + Files.readString(dir.resolve("mvn.log")));
        return Files.readString(out).trim();
    }

    private static DiagnosticCollector<JavaFileObject> compile(Path dir, String classpath, List<String> sources) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            files.add(Files.writeString(src.resolve("Readme" + i + ".java"), IMPORTS + sources.get(i)));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", classpath, "-d", Files.createDirectories(dir.resolve("classes")).toString(),
                    "-Xlint:deprecation", "-Werror", "-proc:none");
            javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        return diagnostics;
    }

    @Test
    public void theReadmeExamplesCompileAgainstTheListedDependenciesAlone(@TempDir Path tmp) throws Exception {
        String readme = Files.readString(README);
        String deps = dependencies(readme);
        List<String> blocks = javaBlocks(readme);
        assertFalse(blocks.isEmpty(), "no Java example in README.md");
        DiagnosticCollector<JavaFileObject> d = compile(tmp.resolve("with"), classpath(tmp.resolve("with"), deps), blocks);
        assertTrue(d.getDiagnostics().isEmpty(), "the README's examples do not compile against its dependencies: " + d.getDiagnostics());

        // the check can fail: without the listed tribuo-classification-sgd the Tribuo SGD example does not compile
        String without = deps.replaceAll("(?s)<dependency>(?:(?!</dependency>).)*tribuo-classification-sgd.*?</dependency>", "");
        assertFalse(without.contains("tribuo-classification-sgd"), without);
        d = compile(tmp.resolve("without"), classpath(tmp.resolve("without"), without), blocks);
        assertTrue(d.getDiagnostics().stream().anyMatch(x -> x.getMessage(null).contains("LinearSGDTrainer")), d.getDiagnostics().toString());
    }
}
