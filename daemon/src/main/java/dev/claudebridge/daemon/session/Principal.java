package dev.claudebridge.daemon.session;

/**
 * What a transport proved about its peer: a Unix user (the kernel's word), a TLS client certificate,
 * or a bearer token. Before a network peer has proved anything it is only an address.
 */
public sealed interface Principal {
    /** "unix", "certificate", "token" or "address", as the audit log shows it. */
    String kind();

    /** The user, the certificate's subject, the token's name or the address: never a secret. */
    String name();

    /** What fairness and ownership count this principal by, within its listener. */
    String key();

    /** A Unix peer, from SO_PEERCRED: a user (name or uid) and its primary group; "" when unknown. */
    record UnixUser(String user, String group) implements Principal {
        @Override
        public String kind() {
            return "unix";
        }

        @Override
        public String name() {
            return user;
        }

        @Override
        public String key() {
            return user;
        }
    }

    /**
     * A TLS client certificate the listener's client CA vouched for.
     *
     * @param subject its subject's distinguished name (RFC 2253)
     * @param fingerprint {@code sha256:} and the hex SHA-256 of its DER encoding
     */
    record Certificate(String subject, String fingerprint) implements Principal {
        @Override
        public String kind() {
            return "certificate";
        }

        @Override
        public String name() {
            return subject;
        }

        @Override
        public String key() {
            return "certificate " + fingerprint;
        }
    }

    /** A bearer token the listener knows, by its name in the configuration (the token itself is never kept). */
    record Token(String tokenName) implements Principal {
        @Override
        public String kind() {
            return "token";
        }

        @Override
        public String name() {
            return tokenName;
        }

        @Override
        public String key() {
            return "token " + tokenName;
        }
    }

    /** A network peer that has not proved anything yet: its address, without the port. */
    record Address(String address) implements Principal {
        @Override
        public String kind() {
            return "address";
        }

        @Override
        public String name() {
            return address;
        }

        @Override
        public String key() {
            return "address " + address;
        }
    }
}
