package dev.turnout.connector.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the {@code tungsten.ini} syntax into sections: {@code [NAME]} headers, {@code key=value}
 * lines (whitespace around {@code =} and at line ends trimmed), comment lines starting with
 * {@code #} or {@code ;}, blank lines. A {@code #} after a value is part of the value (passwords
 * may contain it). Syntax problems are recorded and reading goes on. Key names are not checked here.
 */
final class IniReader {

    private static final Pattern SECTION_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private IniReader() {}

    static List<IniSection> read(String text, Problems problems) {
        List<IniSection> sections = new ArrayList<>();
        Map<String, IniSection> byName = new HashMap<>();
        IniSection current = null;
        boolean skipping = false; // after a bad or duplicate header, until the next header
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = line.strip();
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
                continue;
            }
            if (line.charAt(0) == '[') {
                String name = line.endsWith("]")
                        ? line.substring(1, line.length() - 1).strip()
                        : null;
                if (name == null || !SECTION_NAME.matcher(name).matches()) {
                    problems.add(
                            lineNo,
                            line,
                            "not a section header (expected [NAME], NAME of letters, digits, '_' and '-')");
                    current = null;
                    skipping = true;
                    continue;
                }
                IniSection first = byName.get(name);
                if (first != null) {
                    problems.add(lineNo, "[" + name + "]", "duplicate section (first at line " + first.line() + ")");
                    current = null;
                    skipping = true;
                    continue;
                }
                current = new IniSection(name, lineNo);
                byName.put(name, current);
                sections.add(current);
                skipping = false;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add(lineNo, line, "no value (every key needs key=value)");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.isEmpty()) {
                problems.add(lineNo, Values.quote(line), "no key before '='");
                continue;
            }
            if (value.isEmpty()) {
                problems.add(lineNo, key, "empty value (every key needs a value)");
                continue;
            }
            if (skipping) {
                continue;
            }
            if (current == null) {
                problems.add(lineNo, key, "outside a section (start the file with [defaults])");
                continue;
            }
            IniSection.Entry first = current.putIfAbsent(new IniSection.Entry(key, value, lineNo));
            if (first != null) {
                problems.add(
                        lineNo, key, "duplicate key in [" + current.name() + "] (first at line " + first.line() + ")");
            }
        }
        return sections;
    }
}
