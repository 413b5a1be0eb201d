package dev.turnout.protocol.message;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a value that may be null. Everything in {@code dev.turnout.protocol} that does not carry
 * this annotation is non-null. (The protocol module may depend on Netty only, so it documents
 * nullness with this annotation of its own rather than a library's.)
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
    ElementType.TYPE_USE,
    ElementType.PARAMETER,
    ElementType.FIELD,
    ElementType.METHOD,
    ElementType.RECORD_COMPONENT,
    ElementType.LOCAL_VARIABLE
})
public @interface Nullable {}
