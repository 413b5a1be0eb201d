package dev.turnout.cli;

import dev.turnout.connector.ConnectorCommand;
import dev.turnout.manager.cli.CctrlCommand;
import dev.turnout.manager.cli.ManagerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code turnout} command line: {@code turnout connector …}, {@code turnout manager …}, {@code turnout cctrl}, {@code turnout demo}. */
@Command(
        name = "turnout",
        mixinStandardHelpOptions = true,
        versionProvider = Turnout.Version.class,
        description = "Turnout: a MySQL-protocol routing connector for replicated MySQL/MariaDB clusters.",
        subcommands = {ConnectorCommand.class, ManagerCommand.class, CctrlCommand.class, DemoCommand.class})
public final class Turnout implements Runnable {

    @CommandLine.Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before run()
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Turnout()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Turnout.class.getPackage().getImplementationVersion();
            return new String[] {"turnout " + (version == null ? "(development build)" : version)};
        }
    }
}
