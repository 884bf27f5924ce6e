
#include <cmath>
#include <vector>
#include <random>
#include <fstream>
#include <ctime>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#ifdef __linux__
#include <sys/mman.h>
#endif
{TABLES}
namespace {NS} {
static const int N = {N};
static const int d_len = {D_LEN};
static const uint64_t d_thresholds[{P}][{D_LEN}] = {D_THRESHOLDS};
static const unsigned char d_guide[{P}][256] = {D_GUIDE};
static const int n_pairs = {N_PAIRS};
static const int pairs[{N_PAIRS_1}][2] = {PAIRS};
static const double expected = {EXPECTED};
static const double target_scale[{P}][{P}] = {TARGET_SCALE};
struct urbg {
    typedef uint64_t result_type;
    static constexpr uint64_t min() { return 0; }
    static constexpr uint64_t max() { return ~0ULL; }
    uint64_t operator()() { return {NS}_rng::next(); }
};
static std::vector<int64_t> row_start;
static std::vector<int32_t> post;
static std::vector<float> weight;
static std::vector<uint8_t> delay;
static std::vector<float> ring;
static int D = 1;
static long step = 0;
static bool ready = false;

// transparent huge pages for the big arrays (before their pages are touched): the ring is
// written at random, and with 4 kB pages nearly every write missed the TLB
template <typename V> static void advise_huge(V &v)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const size_t huge = 2u << 20;
    uintptr_t a = (uintptr_t)v.data(), b = a + v.capacity() * sizeof(v[0]);
    a = (a + huge - 1) & ~(uintptr_t)(huge - 1);
    b &= ~(uintptr_t)(huge - 1);
    if (b > a) madvise((void*)a, b - a, MADV_HUGEPAGE);
#endif
}

static void build()
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double gain[{P} * {P}];
    for (int k = 0; k < P * P; k++) gain[k] = {GAIN}(0.0, k);
    const size_t cap = (size_t)(expected + 6.0 * std::sqrt(expected) + 1000.0);
    row_start.assign(N + 1, 0);
    post.reserve(cap); weight.reserve(cap); delay.reserve(cap);
    advise_huge(post); advise_huge(weight); advise_huge(delay);
    std::vector<long long> counts(P * P, 0);
    std::vector<int32_t> tp; std::vector<float> tw; std::vector<int> td;
    std::vector<double> tu, wp, zz; std::vector<uint64_t> du; std::vector<int> tt;
    std::vector<int> hist({D_LEN} + 2);
    urbg g;
    int max_d = 1;
    for (int s = 0; s < P; s++) {
        std::poisson_distribution<long> degree(out_mean[s] > 0 ? out_mean[s] : 1.0);
        for (int i = starts[s]; i < starts[s] + sizes[s]; i++) {
            const long n = out_mean[s] > 0 ? degree(g) : 0;
            tp.resize(n); tw.resize(n); td.resize(n);
            std::fill(hist.begin(), hist.end(), 0);
            // the draws first, synapse after synapse in the order target, weight, delay (the
            // rows are those of drawing each synapse whole); then each quantity in its own loop,
            // the weight's inverse normal vectorized on its central branch
            tu.resize(n); wp.resize(n); zz.resize(n); du.resize(n); tt.resize(n);
            for (long k = 0; k < n; k++) {
                tu[k] = {NS}_rng::u01();
                wp[k] = 1.0 - {NS}_rng::u01();
                du[k] = {NS}_rng::next();
            }
            for (long k = 0; k < n; k++) {
                // target population by the cumulative table (no branch: the table is sorted)
                int t = 0;
                for (int j = 0; j < P - 1; j++) t += tu[k] >= target_cdf[s][j];
                tt[k] = t;
                wp[k] *= w_tail[t][s];
            }
            for (long k = 0; k < n; k++) zz[k] = {NDTRI}_central(wp[k]);
            for (long k = 0; k < n; k++) {
                const double p = wp[k] > 0.5 ? 1.0 - wp[k] : wp[k];
                if (p < {TAIL_P}) zz[k] = {NDTRI}(wp[k]);
            }
            for (long k = 0; k < n; k++) {
                // cell uniform in the target population, from the same draw
                const double u = tu[k];
                const int t = tt[k];
                const double lo = t > 0 ? target_cdf[s][t - 1] : 0.0;
                int c = (int)((u - lo) * target_scale[s][t]);
                if (c >= sizes[t]) c = sizes[t] - 1;
                if (c < 0) c = 0;
                const double m = w_mean[t][s], sd = w_sd[t][s];
                const double z = zz[k];
                double w = m > 0 ? m - sd * z : m + sd * z;
                w = m > 0 ? (w > 0.0 ? w : 0.0) : (w < 0.0 ? w : 0.0);
                // delay in steps, from the exact table of the rounded truncated normal
                const uint64_t ud = du[k];
                const uint64_t* drow = d_thresholds[s];
                int kd = d_guide[s][ud >> 56];
                while (kd < d_len - 1 && ud >= drow[kd]) kd++;
                const int d = kd + 1;
                if (d > max_d) max_d = d;
                tp[k] = starts[t] + c; tw[k] = (float)(w * 1e-12 * gain[t * P + s]); td[k] = d;
                counts[t * P + s]++;
                hist[d + 1]++;
            }
            for (int b = 1; b < {D_LEN} + 2; b++) hist[b] += hist[b - 1];     // counting sort by delay
            const size_t base = post.size();
            post.resize(base + n); weight.resize(base + n); delay.resize(base + n);
            for (long k = 0; k < n; k++) {
                const size_t q = base + hist[td[k]]++;
                post[q] = tp[k]; weight[q] = tw[k]; delay[q] = (uint8_t)td[k];
            }
            row_start[i + 1] = (int64_t)post.size();
        }
    }
    D = max_d + 1;
    ring.reserve((size_t)D * N);
    advise_huge(ring);
    ring.assign((size_t)D * N, 0.0f);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    std::ofstream f(brian::results_dir + "attnsim_csr_{TAG}.txt");
    f << (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec) << std::endl;
    for (int k = 0; k < n_pairs; k++) f << counts[pairs[k][0] * P + pairs[k][1]] << std::endl;
    if (std::getenv("ATTNSIM_CSR_DUMP")) {        // the rows themselves, for the tests
        const std::string base = brian::results_dir + "attnsim_csr_{TAG}_";
        std::ofstream a(base + "row_start.bin", std::ios::binary), b(base + "post.bin", std::ios::binary),
            c(base + "weight.bin", std::ios::binary), e(base + "delay.bin", std::ios::binary);
        a.write((const char*)row_start.data(), row_start.size() * sizeof(row_start[0]));
        b.write((const char*)post.data(), post.size() * sizeof(post[0]));
        c.write((const char*)weight.data(), weight.size() * sizeof(weight[0]));
        e.write((const char*)delay.data(), delay.size() * sizeof(delay[0]));
    }
}
}
static inline double {NAME}(const double calls)
{
    using namespace {NS};
    if (!ready) { build(); ready = true; }
    const int32_t* spikes = brian::{SPIKESPACE};
    const int n_spikes = spikes[N];
    const int slot = (int)(step % D);
    for (int k = 0; k < n_spikes; k++) {
        const int i = spikes[k];
        int current = -1;
        float* row = 0;
        const int64_t end = row_start[i + 1];
        for (int64_t q = row_start[i]; q < end; q++) {
            const int d = delay[q];
            if (d != current) {
                current = d;
                const int r = slot + d < D ? slot + d : slot + d - D;
                row = &ring[(size_t)r * N];
            }
            // the ring is bigger than the cache: ask for the line PREFETCH updates ahead
            if (q + {PREFETCH} < end) {
                const int dp = delay[q + {PREFETCH}];
                const int rp = slot + dp < D ? slot + dp : slot + dp - D;
                __builtin_prefetch(&ring[(size_t)rp * N + post[q + {PREFETCH}]], 1, 1);
            }
            row[post[q]] += weight[q];
        }
    }
    auto* I = brian::{ISYN};
    float* now = &ring[(size_t)slot * N];
    for (int j = 0; j < N; j++) { I[j] += now[j]; now[j] = 0.0f; }
    step++;
    return calls + 1.0;
}
