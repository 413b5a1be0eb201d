package dev.turnout.connector.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns the sections read by {@link IniReader} into a validated {@link ConnectorConfig}: has
 * {@link SettingsParser} check and merge each section's connector settings, checks the shape of
 * each dataservice and the references between sections, loads the user maps, and selects the
 * dataservice to serve. One instance per parse, confined to the calling thread.
 */
final class ConfigParser {

    private final Problems problems;
    private final Set<String> acceptedUnused = new TreeSet<>();
    private final SettingsParser settingsParser;

    private ConfigParser(Problems problems, Path baseDir, int defaultWorkerThreads) {
        this.problems = problems;
        this.settingsParser = new SettingsParser(problems, baseDir, defaultWorkerThreads, acceptedUnused);
    }

    static ConnectorConfig parse(String text, String source, @Nullable String service, Path baseDir)
            throws ConfigException {
        int workers =
                Math.min(SettingsParser.MAX_WORKER_THREADS, Runtime.getRuntime().availableProcessors());
        return new ConfigParser(new Problems(source), baseDir.toAbsolutePath(), workers).run(text, service);
    }

    private ConnectorConfig run(String text, @Nullable String service) throws ConfigException {
        List<IniSection> sections = IniReader.read(text, problems);
        IniSection defaults = null;
        List<IniSection> services = new ArrayList<>();
        for (IniSection section : sections) {
            if (section.isDefaults()) {
                defaults = section;
            } else {
                services.add(section);
            }
        }
        List<String> plainNames = new ArrayList<>();
        Set<String> compositeNames = new HashSet<>();
        for (IniSection section : services) {
            if (section.has(Key.COMPOSITE_DATASOURCES)) {
                compositeNames.add(section.name());
            } else {
                plainNames.add(section.name());
            }
        }

        SettingsParser.Layer defaultLayer =
                defaults == null ? new SettingsParser.Layer() : settingsParser.layer(defaults);
        Map<String, SectionSettings> settings = new LinkedHashMap<>();
        List<DataserviceConfig> dataservices = new ArrayList<>();
        for (IniSection section : services) {
            SettingsParser.Layer own = settingsParser.layer(section);
            SectionSettings effective = settingsParser.section(section, defaultLayer, own);
            int replicationPort = SettingsParser.replicationPort(defaultLayer, own);
            DataserviceConfig dataservice = section.has(Key.COMPOSITE_DATASOURCES)
                    ? composite(section, plainNames, compositeNames)
                    : dataservice(section, defaults, replicationPort, plainNames, compositeNames);
            if (effective != null && dataservice != null) {
                settings.put(section.name(), effective);
                dataservices.add(dataservice);
            }
        }
        if (services.isEmpty()) {
            problems.addForFile("no dataservice section (add one, e.g. [alpha] with master= and members=)");
        }
        Set<String> serviceNames = new HashSet<>(plainNames);
        serviceNames.addAll(compositeNames);
        Map<Path, UserMap> userMaps = userMaps(settings.values(), serviceNames);
        problems.throwIfAny();

        DataserviceConfig selected = select(dataservices, service);
        SectionSettings selectedSettings = Objects.requireNonNull(
                settings.get(selected.name()), "the settings of every dataservice kept were kept with it");
        UserMapFile userMapFile = selectedSettings.userMapFile();
        return new ConnectorConfig(
                selected,
                dataservices,
                selectedSettings,
                acceptedUnused,
                userMapFile == null ? null : userMaps.get(userMapFile.path()));
    }

    /**
     * Loads every user map the sections name, each path once, so that every section is validated
     * and not only the served one; a problem is recorded at the line that names the file.
     */
    private Map<Path, UserMap> userMaps(Iterable<SectionSettings> sections, Set<String> serviceNames) {
        Map<Path, UserMap> loaded = new HashMap<>();
        Set<Path> failed = new HashSet<>();
        for (SectionSettings section : sections) {
            UserMapFile file = section.userMapFile();
            if (file == null || loaded.containsKey(file.path()) || failed.contains(file.path())) {
                continue;
            }
            try {
                loaded.put(file.path(), file.load(serviceNames));
            } catch (ConfigException e) {
                failed.add(file.path());
                e.problems().forEach(message -> problems.addMessage(file.line(), message));
            }
        }
        return loaded;
    }

    // ---- dataservice sections ---------------------------------------------------------------

    /** The dataservice of a section; null after recording why it is not valid. */
    private @Nullable DataserviceConfig dataservice(
            IniSection section,
            @Nullable IniSection defaults,
            int replicationPort,
            List<String> plainNames,
            Set<String> compositeNames) {
        int before = problems.count();
        String name = section.name();
        IniSection.Entry topology = section.get(Key.TOPOLOGY);
        if (topology != null && !DataserviceConfig.CLUSTERED.equals(topology.value())) {
            problems.add(
                    topology.line(),
                    topology.key(),
                    Values.quote(topology.value()) + " is not supported (this version supports clustered)");
        }
        IniSection.Entry master = section.get(Key.MASTER);
        IniSection.Entry relay = section.get(Key.RELAY);
        IniSection.Entry relaySource = section.get(Key.RELAY_SOURCE);
        if (master != null && relay != null) {
            problems.add(
                    relay.line(),
                    relay.key(),
                    "set either master (an active site) or relay (a passive site), not both");
        } else if (master == null && relay == null) {
            problems.add(
                    section.line(),
                    Key.MASTER.keyName(),
                    "missing in [" + name + "] (set master, or relay and relay-source for a passive site)");
        }
        if (relay != null && relaySource == null) {
            problems.add(
                    relay.line(),
                    relay.key(),
                    "needs relay-source (the dataservice this passive site replicates from)");
        }
        if (relaySource != null) {
            checkRelaySource(name, relaySource, relay, plainNames, compositeNames);
        }
        IniSection.Entry primaryEntry = master != null ? master : relay;
        HostPort primary = primaryEntry == null ? null : host(primaryEntry, primaryEntry.value(), replicationPort);

        List<HostPort> members = new ArrayList<>();
        IniSection.Entry membersEntry = section.get(Key.MEMBERS);
        if (membersEntry == null) {
            problems.add(
                    section.line(),
                    Key.MEMBERS.keyName(),
                    "missing in [" + name + "] (list the datasource hosts, master included)");
        } else {
            Set<String> activeWitnesses = activeWitnessHosts(section, defaults);
            for (String item : list(membersEntry)) {
                HostPort member = host(membersEntry, item, replicationPort);
                if (member != null && activeWitnesses.contains(member.host())) {
                    continue; // an active witness: a manager's host, not a datasource
                }
                if (member != null && members.contains(member)) {
                    problems.add(membersEntry.line(), membersEntry.key(), "duplicate host " + member);
                } else if (member != null) {
                    members.add(member);
                }
            }
            if (primaryEntry != null && primary != null && !members.isEmpty() && !members.contains(primary)) {
                problems.add(
                        primaryEntry.line(),
                        primaryEntry.key(),
                        primary + " is not among members ("
                                + String.join(
                                        ", ",
                                        members.stream().map(HostPort::toString).toList()) + ")");
            }
        }

        List<String> connectors = new ArrayList<>();
        IniSection.Entry connectorsEntry = section.get(Key.CONNECTORS);
        if (connectorsEntry != null) {
            for (String item : list(connectorsEntry)) {
                String host = connectorHost(connectorsEntry, item);
                if (host != null && connectors.contains(host)) {
                    problems.add(connectorsEntry.line(), connectorsEntry.key(), "duplicate host " + host);
                } else if (host != null) {
                    connectors.add(host);
                }
            }
        }
        if (problems.count() != before) {
            return null;
        }
        return new DataserviceConfig(
                name,
                DataserviceConfig.CLUSTERED,
                primary,
                members,
                connectors,
                relaySource == null ? null : relaySource.value(),
                List.of());
    }

    private void checkRelaySource(
            String name,
            IniSection.Entry relaySource,
            IniSection.@Nullable Entry relay,
            List<String> plainNames,
            Set<String> compositeNames) {
        String source = relaySource.value();
        if (relay == null) {
            problems.add(
                    relaySource.line(),
                    relaySource.key(),
                    "needs relay (the host of this passive site that replicates from relay-source), not master");
        } else if (source.equals(name)) {
            problems.add(relaySource.line(), relaySource.key(), "names [" + name + "] itself");
        } else if (compositeNames.contains(source)) {
            problems.add(
                    relaySource.line(),
                    relaySource.key(),
                    Values.quote(source) + " is a composite dataservice (name a dataservice)");
        } else if (!plainNames.contains(source)) {
            problems.add(
                    relaySource.line(),
                    relaySource.key(),
                    Values.quote(source) + " is not a dataservice of this file (dataservices: "
                            + String.join(", ", plainNames) + ")");
        }
    }

    /** The composite dataservice of a section; null after recording why it is not valid. */
    private @Nullable DataserviceConfig composite(
            IniSection section, List<String> plainNames, Set<String> compositeNames) {
        int before = problems.count();
        String name = section.name();
        for (Key key : List.of(Key.TOPOLOGY, Key.MASTER, Key.MEMBERS, Key.CONNECTORS, Key.RELAY, Key.RELAY_SOURCE)) {
            IniSection.Entry entry = section.get(key);
            if (entry != null) {
                problems.add(
                        entry.line(),
                        entry.key(),
                        "not valid in composite dataservice [" + name
                                + "] (a section with composite-datasources lists dataservices only)");
            }
        }
        IniSection.Entry entry = Objects.requireNonNull(
                section.get(Key.COMPOSITE_DATASOURCES),
                "a section is a composite because it has composite-datasources");
        List<String> parts = new ArrayList<>();
        for (String part : list(entry)) {
            if (part.equals(name)) {
                problems.add(entry.line(), entry.key(), "names [" + name + "] itself");
            } else if (compositeNames.contains(part)) {
                problems.add(
                        entry.line(),
                        entry.key(),
                        Values.quote(part) + " is a composite dataservice (composites do not nest)");
            } else if (!plainNames.contains(part)) {
                problems.add(
                        entry.line(),
                        entry.key(),
                        Values.quote(part) + " is not a dataservice of this file (dataservices: "
                                + String.join(", ", plainNames) + ")");
            } else if (parts.contains(part)) {
                problems.add(entry.line(), entry.key(), Values.quote(part) + " is listed twice");
            } else {
                parts.add(part);
            }
        }
        if (problems.count() != before) {
            return null;
        }
        return new DataserviceConfig(name, DataserviceConfig.COMPOSITE, null, List.of(), List.of(), null, parts);
    }

    /** The comma-separated items of a value; an empty item is reported and skipped. */
    /**
     * The hosts of {@code witnesses=} when {@code enable-active-witnesses=true} (the section's
     * values over [defaults]): members on them run a manager of the group but no datasource.
     */
    private Set<String> activeWitnessHosts(IniSection section, @Nullable IniSection defaults) {
        IniSection.Entry enabled = section.get(Key.ENABLE_ACTIVE_WITNESSES);
        if (enabled == null && defaults != null) {
            enabled = defaults.get(Key.ENABLE_ACTIVE_WITNESSES);
        }
        IniSection.Entry witnesses = section.get(Key.WITNESSES);
        if (witnesses == null && defaults != null) {
            witnesses = defaults.get(Key.WITNESSES);
        }
        Set<String> hosts = new HashSet<>();
        if (enabled == null
                || witnesses == null
                || !"true".equalsIgnoreCase(enabled.value().strip())) {
            return hosts;
        }
        for (String item : list(witnesses)) {
            try {
                hosts.add(HostPort.parse(item, 7).host());
            } catch (IllegalArgumentException e) {
                problems.add(witnesses.line(), witnesses.key(), e.getMessage());
            }
        }
        return hosts;
    }

    private List<String> list(IniSection.Entry entry) {
        List<String> items = new ArrayList<>();
        for (String raw : entry.value().split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                problems.add(entry.line(), entry.key(), "empty item in list " + Values.quote(entry.value()));
            } else {
                items.add(item);
            }
        }
        return items;
    }

    /** The host of an item; null after recording why it is not one. */
    private @Nullable HostPort host(IniSection.Entry entry, String text, int defaultPort) {
        try {
            return HostPort.parse(text, defaultPort);
        } catch (IllegalArgumentException e) {
            problems.add(entry.line(), entry.key(), e.getMessage());
            return null;
        }
    }

    /** The host name of a connectors item; null after recording why it is not one. */
    private @Nullable String connectorHost(IniSection.Entry entry, String text) {
        HostPort parsed = host(entry, text, SettingsParser.DEFAULT_PORT);
        if (parsed == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.equals(parsed.host()) && !lower.equals("[" + parsed.host() + "]")) {
            problems.add(entry.line(), entry.key(), Values.quote(text) + " has a port (connectors are host names)");
            return null;
        }
        return parsed.host();
    }

    // ---- the served dataservice -------------------------------------------------------------

    private DataserviceConfig select(List<DataserviceConfig> dataservices, @Nullable String service)
            throws ConfigException {
        List<String> all = dataservices.stream().map(DataserviceConfig::name).toList();
        if (service != null) {
            for (DataserviceConfig dataservice : dataservices) {
                if (dataservice.name().equals(service)) {
                    return dataservice;
                }
            }
            throw new ConfigException(problems.source() + ": --service: unknown dataservice " + Values.quote(service)
                    + " (choose one of: " + String.join(", ", all) + ")");
        }
        List<DataserviceConfig> plain =
                dataservices.stream().filter(d -> !d.isComposite()).toList();
        if (plain.size() == 1) {
            return plain.get(0);
        }
        throw new ConfigException(problems.source() + ": --service: the file has several dataservices; choose one of: "
                + String.join(", ", all));
    }

    /** Reads a file as UTF-8 and parses it; relative paths in it resolve against its directory. */
    static ConnectorConfig load(Path file, @Nullable String service) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new ConfigException(
                    file + ": cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), service, dir == null ? Path.of("") : dir);
    }
}
