package io.natrix.bench;

/** The servers the driver compares. The label is what the table prints. */
enum ServerKind {
    NATS_SERVER("nats-server"),
    NATRIX("Natrix");

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static ServerKind fromOption(String name) {
        return switch (name) {
            case "nats-server" -> NATS_SERVER;
            case "natrix" -> NATRIX;
            default -> throw new IllegalArgumentException("unknown server '" + name + "'");
        };
    }
}
