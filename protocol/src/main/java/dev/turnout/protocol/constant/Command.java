package dev.turnout.protocol.constant;

/**
 * Command bytes of the command phase (the first payload byte of a client's command packet).
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html">Command Phase</a>
 * @see <a href="https://mariadb.com/kb/en/com_stmt_bulk_execute/">COM_STMT_BULK_EXECUTE</a>
 */
public final class Command {

    public static final int COM_SLEEP = 0x00;
    public static final int COM_QUIT = 0x01;
    public static final int COM_INIT_DB = 0x02;
    public static final int COM_QUERY = 0x03;
    public static final int COM_FIELD_LIST = 0x04;
    public static final int COM_CREATE_DB = 0x05;
    public static final int COM_DROP_DB = 0x06;
    public static final int COM_REFRESH = 0x07;
    public static final int COM_SHUTDOWN = 0x08;
    public static final int COM_STATISTICS = 0x09;
    public static final int COM_PROCESS_INFO = 0x0A;
    public static final int COM_CONNECT = 0x0B;
    public static final int COM_PROCESS_KILL = 0x0C;
    public static final int COM_DEBUG = 0x0D;
    public static final int COM_PING = 0x0E;
    public static final int COM_TIME = 0x0F;
    public static final int COM_DELAYED_INSERT = 0x10;
    public static final int COM_CHANGE_USER = 0x11;
    public static final int COM_BINLOG_DUMP = 0x12;
    public static final int COM_TABLE_DUMP = 0x13;
    public static final int COM_CONNECT_OUT = 0x14;
    public static final int COM_REGISTER_SLAVE = 0x15;
    public static final int COM_STMT_PREPARE = 0x16;
    public static final int COM_STMT_EXECUTE = 0x17;
    public static final int COM_STMT_SEND_LONG_DATA = 0x18;
    public static final int COM_STMT_CLOSE = 0x19;
    public static final int COM_STMT_RESET = 0x1A;
    public static final int COM_SET_OPTION = 0x1B;
    public static final int COM_STMT_FETCH = 0x1C;
    public static final int COM_DAEMON = 0x1D;
    public static final int COM_BINLOG_DUMP_GTID = 0x1E;
    public static final int COM_RESET_CONNECTION = 0x1F;
    /** MariaDB only. */
    public static final int COM_STMT_BULK_EXECUTE = 0xFA;

    private Command() {}

    /** The protocol's name of a command byte, for logs and errors. */
    public static String name(int command) {
        return switch (command) {
            case COM_SLEEP -> "COM_SLEEP";
            case COM_QUIT -> "COM_QUIT";
            case COM_INIT_DB -> "COM_INIT_DB";
            case COM_QUERY -> "COM_QUERY";
            case COM_FIELD_LIST -> "COM_FIELD_LIST";
            case COM_CREATE_DB -> "COM_CREATE_DB";
            case COM_DROP_DB -> "COM_DROP_DB";
            case COM_REFRESH -> "COM_REFRESH";
            case COM_SHUTDOWN -> "COM_SHUTDOWN";
            case COM_STATISTICS -> "COM_STATISTICS";
            case COM_PROCESS_INFO -> "COM_PROCESS_INFO";
            case COM_CONNECT -> "COM_CONNECT";
            case COM_PROCESS_KILL -> "COM_PROCESS_KILL";
            case COM_DEBUG -> "COM_DEBUG";
            case COM_PING -> "COM_PING";
            case COM_TIME -> "COM_TIME";
            case COM_DELAYED_INSERT -> "COM_DELAYED_INSERT";
            case COM_CHANGE_USER -> "COM_CHANGE_USER";
            case COM_BINLOG_DUMP -> "COM_BINLOG_DUMP";
            case COM_TABLE_DUMP -> "COM_TABLE_DUMP";
            case COM_CONNECT_OUT -> "COM_CONNECT_OUT";
            case COM_REGISTER_SLAVE -> "COM_REGISTER_SLAVE";
            case COM_STMT_PREPARE -> "COM_STMT_PREPARE";
            case COM_STMT_EXECUTE -> "COM_STMT_EXECUTE";
            case COM_STMT_SEND_LONG_DATA -> "COM_STMT_SEND_LONG_DATA";
            case COM_STMT_CLOSE -> "COM_STMT_CLOSE";
            case COM_STMT_RESET -> "COM_STMT_RESET";
            case COM_SET_OPTION -> "COM_SET_OPTION";
            case COM_STMT_FETCH -> "COM_STMT_FETCH";
            case COM_DAEMON -> "COM_DAEMON";
            case COM_BINLOG_DUMP_GTID -> "COM_BINLOG_DUMP_GTID";
            case COM_RESET_CONNECTION -> "COM_RESET_CONNECTION";
            case COM_STMT_BULK_EXECUTE -> "COM_STMT_BULK_EXECUTE";
            default -> "COM_UNKNOWN(0x" + Integer.toHexString(command) + ")";
        };
    }
}
