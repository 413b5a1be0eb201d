/**
 * The command-line entry points of the manager module, registered in the {@code turnout} command:
 * {@code turnout manager} ({@link dev.turnout.manager.cli.ManagerCommand}) and {@code turnout cctrl}
 * ({@link dev.turnout.manager.cli.CctrlCommand}, a REST client of the manager).
 *
 * <p>Threading: commands run on the caller's thread. Everything is non-null unless documented otherwise.
 */
@NullMarked
package dev.turnout.manager.cli;

import org.jspecify.annotations.NullMarked;
