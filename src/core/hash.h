/* hash.h: fast seeded hashing of small fixed keys (flow keys, shard keys). Keys are chosen by
 * whoever sends packets, so every table that hashes them takes a random seed: no one can aim
 * every flow at one bucket. */
#ifndef SK_CORE_HASH_H
#define SK_CORE_HASH_H

#include <stdint.h>
#include <string.h>

/* One multiply-fold round: 64x64 -> 128 bit product, halves xored (as wyhash's mum). */
static inline uint64_t
hash_mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
hash_load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* splitmix64: a bijection, used to spread sequence numbers into ids. */
static inline uint64_t
hash_splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

#define HASH_K1 0xa0761d6478bd642fULL
#define HASH_K2 0xe7037ed1a0b428dbULL
#define HASH_K3 0x8ebc6af09c88c6e3ULL

/* Hash of two 16-byte addresses and one 64-bit word of extras. */
static inline uint64_t
hash_addr_pair(uint64_t seed, const uint8_t a[16], const uint8_t b[16], uint64_t extra)
{
    uint64_t h = hash_mum(hash_load64(a) ^ seed ^ HASH_K1, hash_load64(a + 8) ^ HASH_K2);
    h = hash_mum(hash_load64(b) ^ h ^ HASH_K1, hash_load64(b + 8) ^ HASH_K3);
    return hash_mum(extra ^ h ^ HASH_K2, seed ^ HASH_K3);
}

#endif
