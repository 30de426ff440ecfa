#!/usr/bin/env python3
"""Independent reference for StmKernel.Sampling.GaussianNoise (SplitMix64 -> xoshiro256** -> polar method).

A plain transcription of the published algorithms (Steele et al. SplitMix64; Blackman & Vigna
xoshiro256**; Marsaglia's polar method) in Python integers and math.log. Prints the values the
C# tests pin: raw SplitMix64 / xoshiro256** outputs and the first float32 normals for seeds.
Run: python3 tools/reference/gaussian_noise.py
"""
import math
import struct

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def splitmix64(state):
    state = (state + GOLDEN) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Xoshiro:
    def __init__(self, s):
        self.s = list(s)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result


def generator(seed, stream):
    sm = (seed ^ ((stream * GOLDEN) & M64)) & M64
    state = []
    for _ in range(4):
        sm, v = splitmix64(sm)
        state.append(v)
    return Xoshiro(state)


def normals(seed, stream, count):
    g = generator(seed, stream)
    out = []
    while len(out) < count:
        while True:
            u = 2 * ((g.next() >> 11) * (1.0 / (1 << 53))) - 1
            v = 2 * ((g.next() >> 11) * (1.0 / (1 << 53))) - 1
            s = u * u + v * v
            if 0 < s < 1:
                break
        f = math.sqrt(-2 * math.log(s) / s)
        out += [u * f, v * f]
    return [struct.unpack('<f', struct.pack('<f', x))[0] for x in out[:count]]


if __name__ == '__main__':
    sm = 1234567
    vals = []
    for _ in range(5):
        sm, v = splitmix64(sm)
        vals.append(v)
    print('splitmix64(1234567):', vals)
    x = Xoshiro([1, 2, 3, 4])
    print('xoshiro256**(1,2,3,4):', [x.next() for _ in range(6)])
    for seed, stream in [(0, 0), (42, 0), (42, 1)]:
        print(f'normals(seed={seed}, stream={stream}):', ', '.join(repr(v) + 'f' for v in normals(seed, stream, 8)))
