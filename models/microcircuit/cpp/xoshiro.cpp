
#include <cstdint>
#include <cstdlib>
#ifdef _OPENMP
#include <omp.h>
#endif
namespace {NS} {
// the state lives in locals while a block of 256 outputs is generated: a per-call update of a
// thread_local state is compiled into wide vector stores that the next call reads back in
// 64-bit pieces, a store-forwarding stall on some CPUs (AMD Zen) that cost 4x
static const int block = 256;
struct state_t { uint64_t s[4]; uint64_t out[block]; int pos; bool ready; };
static thread_local state_t rng_state = {{0, 0, 0, 0}, {0}, block, false};
static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t splitmix64(uint64_t &x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static void refill(state_t &st) {
    if (!st.ready) {
        const char* env = std::getenv("ATTNSIM_SEED_{SEED_NAME}");
        uint64_t x = env ? std::strtoull(env, 0, 10) : 0ULL;
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        x = x * 0x100000001B3ULL + 0x5A17B6D0ULL * (uint64_t)(thread + 1) + {STREAM}ULL;
        for (int k = 0; k < 4; k++) st.s[k] = splitmix64(x);
        st.ready = true;
    }
    uint64_t s0 = st.s[0], s1 = st.s[1], s2 = st.s[2], s3 = st.s[3];
    for (int k = 0; k < block; k++) {
        st.out[k] = rotl(s1 * 5, 7) * 9;
        const uint64_t t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t; s3 = rotl(s3, 45);
    }
    st.s[0] = s0; st.s[1] = s1; st.s[2] = s2; st.s[3] = s3;
    st.pos = 0;
}
static inline uint64_t next() {
    state_t &st = rng_state;
    if (st.pos >= block) refill(st);
    return st.out[st.pos++];
}
static inline double u01() { return (double)(next() >> 11) * 1.1102230246251565e-16; }
}
