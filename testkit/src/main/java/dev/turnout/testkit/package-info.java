/**
 * Test-only support shared by the modules. Never a dependency of production code.
 * Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.testkit;

import org.jspecify.annotations.NullMarked;
