/**
 * Test-only support shared by the modules. Never a dependency of production code.
 * Everything is non-null unless annotated.
 */
package dev.turnout.testkit;
