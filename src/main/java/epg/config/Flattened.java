// docs/architecture.md (run directory): a settings group written at its parent's top level of config.json.
package epg.config;

/**
 * Marks a record whose components {@link Json} writes at the top level of the record holding it, not under the
 * component's own name, and reads back from there. A configuration split into such groups keeps the flat
 * config.json layout (one key per setting) that runs written before the split hold.
 */
public interface Flattened {}
