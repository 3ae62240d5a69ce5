/*
 * Reference outputs for @frx/tensor-utils' createRng, from the C definitions of SplitMix32-style
 * seeding (the 32-bit finaliser of MurmurHash3 on a golden-ratio counter) and xoshiro128**
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018; prng.di.unimi.it).
 *
 *   cc -O2 -o /tmp/xoshiro scripts/xoshiro128-reference.c && /tmp/xoshiro > test/fixtures/xoshiro128.json
 */
#include <stdint.h>
#include <stdio.h>

static uint32_t sm_state;
static uint32_t splitmix32(void) {
  uint32_t z = (sm_state += 0x9e3779b9u);
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}

static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t s[4];
static uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

int main(void) {
  const uint32_t seeds[] = {0u, 1u, 42u, 4294967295u};
  printf("[\n");
  for (int i = 0; i < 4; i++) {
    sm_state = seeds[i];
    for (int j = 0; j < 4; j++) s[j] = splitmix32();
    printf("  {\"seed\": %u, \"uint32\": [", seeds[i]);
    for (int j = 0; j < 8; j++) printf("%s%u", j ? ", " : "", next());
    /* next(): 27 high bits of one output, 26 of the next, as a double in [0, 1). */
    uint32_t a = next() >> 5, b = next() >> 6;
    printf("], \"float53\": %.17g}%s\n", (a * 67108864.0 + b) / 9007199254740992.0, i < 3 ? "," : "");
  }
  printf("]\n");
  return 0;
}
