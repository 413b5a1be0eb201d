/**
 * The SQL statement classifier: decides from the text of a {@code COM_QUERY} or
 * {@code COM_STMT_PREPARE} how the connector may route a statement (read, write, session state,
 * transaction control, connector command), with flags that keep a read on the primary and the
 * routing hint of a {@code TUNGSTEN USE qos=…} comment. The rules are documented on
 * {@link dev.turnout.protocol.classify.StatementClassifier}.
 *
 * <p>Threading: {@link dev.turnout.protocol.classify.StatementClassifier} is stateless; a
 * {@link dev.turnout.protocol.classify.Classification} belongs to one session and is used on that
 * session's event loop only. Classifying reads the buffer without moving its indexes, retaining or
 * releasing it, and allocates nothing. Everything is non-null unless annotated.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query.html">COM_QUERY</a>
 * @see <a href="https://dev.mysql.com/doc/refman/8.0/en/comments.html">MySQL: Comments</a>
 * @see <a href="https://mariadb.com/kb/en/comment-syntax/">MariaDB: Comment Syntax</a>
 */
@NullMarked
package dev.turnout.protocol.classify;

import org.jspecify.annotations.NullMarked;
