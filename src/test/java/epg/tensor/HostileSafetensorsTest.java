// docs/robustness.md (fault suite): hostile safetensors files are refused by their header, before any allocation.
package epg.tensor;

import epg.Refusal;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Each file is written here from its header text (and a header-length field that may lie) and 16 data bytes. */
class HostileSafetensorsTest {
    @TempDir Path dir;

    private record Case(String name, long lengthField, String header, String... expected) {
        Case(String name, String header, String... expected) { this(name, -1, header, expected); }
    }

    private static final String W = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";

    @TestFactory
    Stream<DynamicTest> hostileSafetensorsAreRefused() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = dir.resolve(c.name().replaceAll("\\W+", "_") + ".safetensors");
            byte[] json = c.header().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(c.lengthField() >= 0 || c.lengthField() < -1 ? c.lengthField() : json.length).put(json);
            Files.write(f, c.name().equals("empty file") ? new byte[0] : b.array());
            String[] expected = Stream.concat(Stream.of(f.toString()), Stream.of(c.expected())).toArray(String[]::new);
            Refusal.Cost cost = Refusal.check(c.name(), () -> {
                try (Scope s = Scope.open()) { Checkpoints.read(f); }
            }, RawTensor::allocatedBytes, 0, expected);
            System.out.printf("safetensors %-30s %4d ms  %s%n", c.name(), cost.millis(), cost.message());
        }));
    }

    private static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("empty file", "", "shorter than its 8-byte header"));
        cs.add(new Case("header length 2^40", 1L << 40, W + "}", "1099511627776"));
        cs.add(new Case("header length negative", Long.MIN_VALUE, W + "}", "9223372036854775808"));
        cs.add(new Case("header not JSON", "{\"w\": [1, 2", "not valid JSON"));
        cs.add(new Case("header a JSON array", "[1, 2, 3]", "not a JSON object"));
        cs.add(new Case("offsets past the end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}",
                "tensor 'w'", "data_offsets", "outside"));
        cs.add(new Case("offsets reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}}",
                "tensor 'w'", "data_offsets"));
        cs.add(new Case("overlapping tensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "'a' and 'b' overlap"));
        cs.add(new Case("unknown dtype F8_E4M3", W.replace("F32", "F8_E4M3") + "}", "tensor 'w'", "dtype",
                "not supported"));
        cs.add(new Case("dtype a number", W.replace("\"F32\"", "7") + "}", "tensor 'w'", "dtype", "not a string"));
        cs.add(new Case("missing dtype", "{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", "tensor 'w'",
                "'dtype' is missing"));
        cs.add(new Case("missing shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", "tensor 'w'",
                "'shape' is missing"));
        cs.add(new Case("string shape", W.replace("[4]", "\"4\"") + "}", "tensor 'w'", "'shape'", "array"));
        cs.add(new Case("negative shape", W.replace("[4]", "[-2,-2]") + "}", "tensor 'w'", "'shape'", "[0, 2^62]"));
        cs.add(new Case("fractional shape", W.replace("[4]", "[1.5]") + "}", "tensor 'w'", "'shape'"));
        cs.add(new Case("overflowing shape", W.replace("[4]", "[4294967296,4294967296]") + "}", "tensor 'w'",
                "2^63"));
        cs.add(new Case("65 dimensions", W.replace("[4]", "[" + "1,".repeat(64) + "4]") + "}", "tensor 'w'",
                "at most 64"));
        cs.add(new Case("one-element data_offsets", W.replace("[0,16]", "[16]") + "}", "tensor 'w'",
                "two numbers"));
        cs.add(new Case("offsets of the wrong size", W.replace("[4]", "[2]") + "}", "tensor 'w'", "spans 16 bytes"));
        cs.add(new Case("tensor not an object", "{\"w\":5}", "tensor 'w'", "must be an object"));
        cs.add(new Case("non-string metadata", "{\"__metadata__\":{\"config\":{\"depth\":4}}," + W.substring(1) + "}",
                "metadata key 'config'", "not a string"));
        cs.add(new Case("metadata not an object", "{\"__metadata__\":[1]," + W.substring(1) + "}", "__metadata__"));
        return cs;
    }
}
