package dev.omniscope.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.springframework.security.crypto.bcrypt.BCrypt;

import dev.omniscope.common.UserError;
import dev.omniscope.server.api.Ids;
import dev.omniscope.server.auth.AuthFile;
import dev.omniscope.server.auth.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "auth",
        mixinStandardHelpOptions = true,
        description = "Manage who may use 'omni serve': users (HTTP Basic, bcrypt password hashes) and API tokens (Bearer, "
            + "stored as SHA-256). They are kept in $OMNI_AUTH_FILE, else $OMNI_HOME/auth.json; a running server "
            + "picks up changes to the file. OMNI_USERS and OMNI_API_TOKENS add more from the environment.",
        subcommands = {AuthCommand.AddUser.class, AuthCommand.AddToken.class, AuthCommand.Remove.class, AuthCommand.ListCommand.class})
final class AuthCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static Path file() {
        return AuthFile.defaultLocation();
    }

    @Command(name = "add-user", mixinStandardHelpOptions = true,
            description = {"Add a user, or set a user's password.",
                "The password is read from the terminal (twice), or as one line from standard input when it is not a terminal."})
    static final class AddUser implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "1 to 64 of A-Z a-z 0-9 . _ @ -")
        String name;

        @Option(names = "--env", description = "print the OMNI_USERS entry (NAME:HASH) instead of writing the file")
        boolean env;

        @Override
        public Integer call() throws IOException {
            Credentials.checkName(name, "user");
            char[] password = readPassword();
            if (password.length < 8) throw new UserError("the password must have at least 8 characters");
            String hash = BCrypt.hashpw(new String(password), BCrypt.gensalt(10));
            Arrays.fill(password, '\0');
            if (env) {
                System.out.println(name + ":" + hash);
                return 0;
            }
            Path path = file();
            AuthFile f = AuthFile.read(path);
            boolean existed = f.users().removeIf(u -> u.name().equals(name));
            f.users().add(new AuthFile.User(name, hash, Instant.now().toString()));
            f.write(path);
            System.out.println((existed ? "changed the password of " : "added user ") + name + " in " + path);
            return 0;
        }

        private static char[] readPassword() throws IOException {
            Console console = System.console();
            if (console != null) {
                char[] first = console.readPassword("Password: ");
                char[] second = console.readPassword("Again: ");
                if (first == null || second == null) throw new UserError("no password given");
                if (!Arrays.equals(first, second)) throw new UserError("the two passwords differ");
                Arrays.fill(second, '\0');
                return first;
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) throw new UserError("no password on standard input");
            return line.toCharArray();
        }
    }

    @Command(name = "add-token", mixinStandardHelpOptions = true,
            description = {"Create an API token and print it (once: only its SHA-256 is stored).",
                "Send it as 'Authorization: Bearer TOKEN', or set OMNI_TOKEN for omni upload."})
    static final class AddToken implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "the token's name; it acts as the user of that name unless --user is given")
        String name;

        @Option(names = "--user", paramLabel = "USER", description = "the user the token acts as (default: NAME)")
        String user;

        @Option(names = "--env", description = "print the OMNI_API_TOKENS entry (NAME:SHA256) too, and do not write the file")
        boolean env;

        @Override
        public Integer call() throws IOException {
            Credentials.checkName(name, "token");
            String acting = user == null ? name : Credentials.checkName(user, "user");
            if (env && user != null && !user.equals(name)) {
                throw new UserError("OMNI_API_TOKENS entries act as the user of their name: name the token " + user + " instead of using --user");
            }
            String token = "omni_" + Ids.random(32);
            String sha = Credentials.sha256Hex(token);
            if (env) {
                System.out.println("token: " + token);
                System.out.println("OMNI_API_TOKENS entry: " + name + ":" + sha);
                return 0;
            }
            Path path = file();
            AuthFile f = AuthFile.read(path);
            if (f.tokens().stream().anyMatch(t -> t.name().equals(name))) {
                throw new UserError("a token named " + name + " exists; remove it first (omni auth remove " + name + ")");
            }
            f.tokens().add(new AuthFile.Token(name, acting, sha, Instant.now().toString()));
            f.write(path);
            System.out.println(token);
            System.err.println("(token " + name + " acts as user " + acting + "; it is stored in " + path
                    + " only as a hash: keep it now, it is not shown again)");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user or a token by name from the file.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            Path path = file();
            AuthFile f = AuthFile.read(path);
            boolean users = f.users().removeIf(u -> u.name().equals(name));
            boolean tokens = f.tokens().removeIf(t -> t.name().equals(name));
            if (!users && !tokens) throw new UserError("no user or token named " + name + " in " + path);
            f.write(path);
            System.out.println("removed " + (users ? "user " : "token ") + name + " from " + path);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users and tokens (names only), from the file and the environment.")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            Path path = file();
            AuthFile f = AuthFile.read(path);
            Credentials env = Credentials.load(new AuthFile(null, null), System.getenv("OMNI_USERS"), System.getenv("OMNI_API_TOKENS"));
            System.out.println("file: " + path);
            for (AuthFile.User u : f.users()) System.out.println("user  " + u.name() + "  (added " + u.created() + ")");
            for (AuthFile.Token t : f.tokens()) {
                System.out.println("token " + t.name() + "  acts as " + (t.user() == null ? t.name() : t.user()) + "  (added " + t.created() + ")");
            }
            for (String u : env.users().keySet()) System.out.println("user  " + u + "  (OMNI_USERS)");
            for (String u : env.tokens().values()) System.out.println("token " + u + "  (OMNI_API_TOKENS)");
            if (f.users().isEmpty() && f.tokens().isEmpty() && !env.configured()) {
                System.out.println("no users or tokens: omni serve needs no login and listens on this machine only");
            }
            return 0;
        }
    }
}
