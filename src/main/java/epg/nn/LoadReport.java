// What a state-dict load did: keys missing from the file, keys the model does not have, and shape mismatches.
package epg.nn;

import java.util.List;

/** What a state-dict load did: the keys loaded, missing from the file, unknown to the model, and of another shape. */
public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {
    public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty(); }

    @Override
    public String toString() {
        return "loaded " + loaded.size() + " tensors; missing " + missing + "; unexpected " + unexpected
                + "; shape mismatches " + mismatched;
    }
}
