package io.natrix.cli.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.Confirm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix context}: natscli's configuration contexts, in natscli's own files (see {@link NatsContexts}),
 * so both tools share them. The connection flags ({@code --server}, {@code --user}, {@code --creds}, ...) given to
 * {@code add} and {@code edit} are what the context saves.
 */
@Command(name = "context", aliases = "ctx", description = "Manage nats configuration contexts",
        subcommands = {ContextCommand.Add.class, ContextCommand.Ls.class, ContextCommand.Select.class,
                ContextCommand.Info.class, ContextCommand.Rm.class, ContextCommand.Edit.class})
public final class ContextCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** Prints a context as natscli's {@code context info} does. */
    static void show(PrintWriter out, NatsContexts contexts, NatsContext ctx) {
        out.println("NATS Configuration Context \"" + ctx.name() + "\"");
        out.println();
        line(out, "Description", ctx.description());
        line(out, "Server URLs", ctx.url() == null ? io.natrix.cli.Globals.DEFAULT_URL : ctx.url());
        line(out, "Username", ctx.user());
        line(out, "Password", ctx.password() == null ? null : "*********");
        line(out, "Token", ctx.token() == null ? null : "*********");
        line(out, "Credentials", ctx.creds());
        line(out, "NKey", ctx.nkey());
        line(out, "Certificate", ctx.cert());
        line(out, "Key", ctx.key());
        line(out, "CA", ctx.ca());
        line(out, "JetStream Domain", ctx.jetStreamDomain());
        line(out, "JetStream API Prefix", ctx.jetStreamApiPrefix());
        line(out, "Inbox Prefix", ctx.inboxPrefix());
        if (ctx.tlsFirst()) {
            line(out, "TLS First", "true");
        }
        line(out, "Path", contexts.file(ctx.name()).toString());
        out.flush();
    }

    private static void line(PrintWriter out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.printf("  %s: %s%n", label, value);
        }
    }

    /** {@code context add NAME}: saves the connection flags given as a new (or replaced) context. */
    @Command(name = "add", aliases = "create", description = "Create or update a context")
    static final class Add extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context name")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", description = "A human friendly description")
        String description;

        @Option(names = "--select", description = "Select the saved context as the default one")
        boolean select;

        @Override
        public Integer call() {
            NatsContexts contexts = globals().contexts();
            ObjectNode doc = Json.MAPPER.createObjectNode();
            doc.put("description", description == null ? "" : description);
            for (Map.Entry<String, Object> e : globals().flagSettings().entrySet()) {
                doc.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
            }
            NatsContext ctx = new NatsContext(name, doc);
            contexts.save(ctx);
            if (select) {
                contexts.select(name);
            }
            show(out(), contexts, ctx);
            return 0;
        }
    }

    /** {@code context ls}: the saved contexts, the selected one marked with {@code *}. */
    @Command(name = "ls", aliases = "list", description = "List known contexts")
    static final class Ls extends ClientCommand {
        @Option(names = {"-n", "--names"}, description = "Show just the context names")
        boolean names;

        @Option(names = "--json", description = "Produce JSON output")
        boolean json;

        @Override
        public Integer call() {
            NatsContexts contexts = globals().contexts();
            List<String> all = contexts.names();
            String selected = contexts.selected();
            if (json) {
                Json.print(out(), all);
                return 0;
            }
            if (names) {
                all.forEach(out()::println);
                out().flush();
                return 0;
            }
            if (all.isEmpty()) {
                out().println("No contexts defined");
                out().flush();
                return 0;
            }
            Table table = Table.titled("Known Contexts", "Name", "Description");
            for (String n : all) {
                NatsContext ctx = contexts.load(n);
                table.row(n.equals(selected) ? n + "*" : n, ctx.description());
            }
            table.print(out());
            return 0;
        }
    }

    /** {@code context select NAME}: makes a context the default. */
    @Command(name = "select", aliases = "switch", description = "Select the default context")
    static final class Select extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context name to select")
        String name;

        @Override
        public Integer call() {
            NatsContexts contexts = globals().contexts();
            contexts.select(name);
            show(out(), contexts, contexts.load(name));
            return 0;
        }
    }

    /** {@code context info [NAME]}: one context (default: the selected one). */
    @Command(name = "info", aliases = "show", description = "Display information about a context")
    static final class Info extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The context to show")
        String name;

        @Option(names = "--json", description = "Show the context file as JSON")
        boolean json;

        @Override
        public Integer call() {
            NatsContexts contexts = globals().contexts();
            String which = name != null ? name : contexts.selected();
            if (which == null) {
                throw new CliException("no context selected; name one: context info NAME");
            }
            NatsContext ctx = contexts.load(which);
            if (json) {
                Json.print(out(), ctx.document());
            } else {
                show(out(), contexts, ctx);
            }
            return 0;
        }
    }

    /** {@code context rm NAME}: deletes a context. */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Remove a context")
    static final class Rm extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context to remove")
        String name;

        @Option(names = {"-f", "--force"}, description = "Remove without prompting")
        boolean force;

        @Override
        public Integer call() {
            if (!force && !Confirm.ask(globals(), out(), "Really delete context " + name)) {
                return 0;
            }
            globals().contexts().delete(name);
            out().println("Removed context \"" + name + "\"");
            out().flush();
            return 0;
        }
    }

    /**
     * {@code context edit NAME}: changes the fields given as flags; without flags, opens the file in
     * {@code $EDITOR} and refuses the result when it is not a JSON object.
     */
    @Command(name = "edit", description = "Edit a context (flags, or $EDITOR without flags)")
    static final class Edit extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context to edit")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", description = "A human friendly description")
        String description;

        @Override
        public Integer call() throws IOException, InterruptedException {
            NatsContexts contexts = globals().contexts();
            NatsContext ctx = contexts.load(name);
            Map<String, Object> given = globals().flagSettings();
            if (given.isEmpty() && description == null) {
                editInEditor(contexts);
            } else {
                ObjectNode doc = ctx.document().deepCopy();
                if (description != null) {
                    doc.put("description", description);
                }
                given.forEach((k, v) -> doc.set(k, Json.MAPPER.valueToTree(v)));
                contexts.save(new NatsContext(name, doc));
            }
            show(out(), contexts, contexts.load(name));
            return 0;
        }

        private void editInEditor(NatsContexts contexts) throws IOException, InterruptedException {
            String editor = globals().env().get("EDITOR");
            if (editor == null || editor.isBlank()) {
                throw new CliException("set EDITOR to edit a context, or give the fields to change as flags");
            }
            var file = contexts.file(name);
            String before = Files.readString(file, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(editor.strip().split("\\s+")));
            command.add(file.toString());
            int status = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (status != 0) {
                throw new CliException("editor " + editor + " exited with status " + status);
            }
            JsonNode edited;
            try {
                edited = Json.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
            } catch (CliException e) {
                Files.writeString(file, before, StandardCharsets.UTF_8);
                throw new CliException(e.getMessage() + " (the previous context was kept)");
            }
            if (!edited.isObject()) {
                Files.writeString(file, before, StandardCharsets.UTF_8);
                throw new CliException(file + " must hold a JSON object (the previous context was kept)");
            }
        }
    }
}
