package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fuzz target over its regression inputs (seeds and past crash inputs) and then over inputs a seeded random
 * mutator makes of them (bit flips, interesting values, truncations, splices, duplications): the same contract as
 * {@link KerbscopeFuzzTest}, but with no agent, so it also runs inside OSGi under Tycho, where Jazzer's
 * self-attaching agent and class path scanning cannot be relied on. Deterministic: the same seeds give the same
 * inputs; {@code -Dkerbscope.fuzz.mutations=N} (default 150) sets how many per target.
 */
class SeedReplayTest {
    static final int MUTATIONS = Integer.getInteger("kerbscope.fuzz.mutations", 150);

    static Stream<String> targets() {
        return FuzzTargets.NAMES.stream();
    }

    static List<Path> seeds(String target) throws IOException {
        Path dir = Repo.inputs(target);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void seedsAndMutationsKeepTheContract(String target) throws IOException {
        List<Path> files = seeds(target);
        assertFalse(files.isEmpty(), "no regression inputs for " + target + " in " + Repo.inputs(target));
        List<byte[]> seeds = new ArrayList<>();
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            seeds.add(data);
            replay(target, data, f.getFileName().toString());
        }
        Random r = new Random(target.hashCode());
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] base = seeds.get(r.nextInt(seeds.size()));
            byte[] other = seeds.get(r.nextInt(seeds.size()));
            byte[] m = mutate(base, other, r);
            replay(target, m, "mutation " + i);
        }
    }

    private static void replay(String target, byte[] data, String what) {
        try {
            FuzzTargets.run(target, data);
        } catch (Throwable e) {
            Path saved = null;
            try {
                saved = Files.createTempFile("kerbscope-" + target + "-crash-", "");
                Files.write(saved, data);
            } catch (IOException ignored) {
                // the message below still carries the first bytes
            }
            throw new AssertionError(target + " failed on " + what + " (" + data.length + " bytes, saved to " + saved
                    + "; add it to " + Repo.inputs(target) + " once fixed); first bytes: "
                    + HexFormat.of().formatHex(data, 0, Math.min(64, data.length)), e);
        }
    }

    /** One to four stacked mutations of {@code base}, the kinds libFuzzer's default mutators make. */
    static byte[] mutate(byte[] base, byte[] other, Random r) {
        byte[] b = base.clone();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            if (b.length == 0) {
                b = new byte[] {(byte) r.nextInt()};
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 0x01, 0x30, 0x60, 0x82}[r.nextInt(8)];
                case 2 -> b = Arrays.copyOf(b, at); // truncation
                case 3 -> {
                    // a 16- or 32-bit field set to an extreme (lengths, counts, offsets)
                    int[] v = {0xffff_ffff, 0x7fff_ffff, 0x8000_0000, 0xffff, 0x7fff, 0};
                    int x = v[r.nextInt(v.length)];
                    for (int i = 0; i < 4 && at + i < b.length; i++) {
                        b[at + i] = (byte) (x >> (8 * i));
                    }
                }
                case 4 -> {
                    // splice: the head of this input, the tail of another
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    byte[] s = Arrays.copyOf(b, at + other.length - from);
                    System.arraycopy(other, from, s, at, other.length - from);
                    b = s;
                }
                case 5 -> {
                    // a range repeated (nesting, repeated records)
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] s = new byte[b.length + len];
                    System.arraycopy(b, 0, s, 0, at + len);
                    System.arraycopy(b, at, s, at + len, b.length - at);
                    b = s;
                }
                case 6 -> {
                    // a range removed
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] s = new byte[b.length - len];
                    System.arraycopy(b, 0, s, 0, at);
                    System.arraycopy(b, at + len, s, at, b.length - at - len);
                    b = s;
                }
                default -> b[at] = (byte) r.nextInt();
            }
        }
        return b;
    }
}
