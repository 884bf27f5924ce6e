
namespace {NS} {
static const int table_len = {LEN};
static const uint64_t thresholds[{N_POPS}][{LEN}] = {TABLE};
static const unsigned char guide[{N_POPS}][256] = {GUIDE};
}
static inline double {NAME}(const int pop)
{
    const uint64_t u = {NS}_rng::next();
    const uint64_t* row = {NS}::thresholds[pop];
    int k = {NS}::guide[pop][u >> 56];
    while (k < {NS}::table_len - 1 && u >= row[k]) k++;
    return (double)k;
}
