package io.natrix.cli.errors;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.admin.Columns;
import io.natrix.cli.output.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix errors} (aliases {@code err}, {@code error}): the NATS error code documentation, as natscli's
 * {@code errors}: {@code ls [MATCH] [SORT]} lists the catalogue (filtered by a regular expression over code,
 * description, constant, comment and help), {@code lookup CODE} shows one error, {@code validate [FILE]} checks a
 * catalogue file. No server is involved: the catalogue is data ({@link ErrorCatalogue}).
 */
@Command(name = "errors", aliases = {"err", "error"}, description = "Error code documentation",
        subcommands = {ErrorsCommand.ListErrors.class, ErrorsCommand.Lookup.class, ErrorsCommand.Validate.class})
public final class ErrorsCommand extends ClientCommand {

    @Option(names = "--errors", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The errors.json file to use as input")
    Path file;

    @Override
    public Integer call() {
        throw new CliException("an errors command is required: ls, lookup or validate");
    }

    ErrorCatalogue catalogue() {
        return file == null ? ErrorCatalogue.builtIn() : ErrorCatalogue.load(file);
    }

    @Command(name = "ls", aliases = "list", description = "List all known error codes")
    static final class ListErrors extends ClientCommand {
        @ParentCommand
        ErrorsCommand parent;

        @Parameters(index = "0", arity = "0..1", paramLabel = "MATCH",
                description = "Regular expression match to limit the displayed results")
        String match;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SORT", defaultValue = "code",
                description = "Sorts by a specific field (code, http, description, d, desc)")
        String sort;

        @Option(names = {"-R", "--reverse"}, description = "Reverse sort")
        boolean reverse;

        @Override
        public Integer call() {
            Comparator<ErrorCatalogue.Entry> order = switch (sort) {
                case "code" -> Comparator.comparingInt(ErrorCatalogue.Entry::errCode);
                case "http" -> Comparator.comparingInt(ErrorCatalogue.Entry::code);
                case "description", "descr", "desc", "d" -> Comparator.comparing(ErrorCatalogue.Entry::description);
                default -> throw new CliException("invalid sort \"" + sort
                        + "\": use code, http, description, descr or d");
            };
            Pattern re;
            try {
                re = Pattern.compile(match == null || match.isEmpty() ? "." : match.toLowerCase(Locale.ROOT));
            } catch (PatternSyntaxException e) {
                throw new CliException("invalid regular expression \"" + match + "\": " + e.getDescription());
            }
            List<ErrorCatalogue.Entry> matched = new ArrayList<>();
            for (ErrorCatalogue.Entry e : parent.catalogue().entries()) {
                if (matches(e, re)) {
                    matched.add(e);
                }
            }
            if (matched.isEmpty()) {
                throw new CliException("no errors found matching regular expression " + re.pattern());
            }
            matched.sort(reverse ? order.reversed() : order);
            // The built-in catalogue carries no comments: the column is shown only when a file supplies some.
            boolean comments = matched.stream().anyMatch(e -> !e.comment().isEmpty());
            Table table = comments
                    ? Table.titled("NATS Errors", "NATS Code", "HTTP Error Code", "Description", "Comment",
                            "Go Constant")
                    : Table.titled("NATS Errors", "NATS Code", "HTTP Error Code", "Description", "Go Constant");
            for (ErrorCatalogue.Entry e : matched) {
                if (comments) {
                    table.row(e.errCode(), e.code(), e.description(), e.comment(), e.constant());
                } else {
                    table.row(e.errCode(), e.code(), e.description(), e.constant());
                }
            }
            table.print(out());
            return 0;
        }

        private static boolean matches(ErrorCatalogue.Entry e, Pattern re) {
            return re.matcher(e.description().toLowerCase(Locale.ROOT)).find()
                    || re.matcher(Integer.toString(e.code())).find()
                    || re.matcher(Integer.toString(e.errCode())).find()
                    || re.matcher(e.help().toLowerCase(Locale.ROOT)).find()
                    || re.matcher(e.constant().toLowerCase(Locale.ROOT)).find()
                    || re.matcher(e.comment().toLowerCase(Locale.ROOT)).find();
        }
    }

    @Command(name = "lookup", aliases = {"find", "get", "l", "view", "show"},
            description = "Looks up an error by its code")
    static final class Lookup extends ClientCommand {
        @ParentCommand
        ErrorsCommand parent;

        @Parameters(index = "0", paramLabel = "CODE", description = "The code to retrieve")
        int code;

        @Override
        public Integer call() {
            ErrorCatalogue.Entry e = parent.catalogue().find(code)
                    .orElseThrow(() -> new CliException("no error matches code " + code));
            Columns cols = new Columns("NATS Error Code: " + e.errCode());
            cols.row("Description", e.description());
            cols.rowIfNotEmpty("Comment", e.comment());
            cols.row("HTTP Code", e.code());
            cols.row("Go Index Constant", e.constant());
            cols.rowIfNotEmpty("Help URL", e.url());
            cols.line("");
            cols.line(e.help().isEmpty() ? "No further information available" : e.help());
            cols.print(out());
            return 0;
        }
    }

    @Command(name = "validate", description = "Validates the validity of the errors definition")
    static final class Validate extends ClientCommand {
        @ParentCommand
        ErrorsCommand parent;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The file to validate")
        Path file;

        @Override
        public Integer call() {
            Path source = file != null ? file : parent.file;
            if (source == null) {
                throw new CliException("errors file is required");
            }
            List<ErrorCatalogue.Entry> entries = ErrorCatalogue.load(source).entries();
            PrintWriter out = out();
            boolean failed = false;
            for (ErrorCatalogue.Entry e : entries) {
                List<String> problems = problems(e);
                if (!problems.isEmpty()) {
                    out.println(e.errCode() + " failed: " + String.join(", ", problems));
                    failed = true;
                }
            }
            out.flush();
            if (failed) {
                throw new CliException(source + " is invalid");
            }
            out.println("Validated " + entries.size() + " errors");
            out.flush();
            return 0;
        }

        /** natscli's rules for an errors.json entry. */
        static List<String> problems(ErrorCatalogue.Entry e) {
            List<String> problems = new ArrayList<>();
            if (e.description().matches("^\\{[^}]+}$") && e.comment().isEmpty()) {
                problems.add("token only descriptions requires a comment");
            }
            if (e.errCode() < 10000) {
                problems.add("error codes may not be below 10000");
            }
            if (e.code() == 0) {
                problems.add("code is required");
            }
            if (e.constant().isEmpty()) {
                problems.add("constant is required");
            }
            if (e.description().isEmpty()) {
                problems.add("description is required");
            }
            if (e.description().chars().filter(c -> c == '{').count()
                    != e.description().chars().filter(c -> c == '}').count()) {
                problems.add("unmatched number of { and }");
            }
            if (e.description().contains("{") && !e.constant().endsWith("F")) {
                problems.add("constants for errors with tokens must end in F like JSStreamMsgDeleteFailedF");
            }
            return problems;
        }
    }
}
