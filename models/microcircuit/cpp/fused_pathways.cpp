
namespace {NS} {
static const double d_mean[{P}] = {D};
static const double d_sd[{P}] = {D_SD};
static const double d_tail[{P}] = {D_TAIL};
static const double dt_ms = {DT_MS};
}
static inline double {OUT}(const int pop) { return {NS}::out_mean[pop]; }
static inline int {TARGET}(const int pop, const double u_pop, const double u_cell)
{
    const double* row = {NS}::target_cdf[pop];
    int t = 0;
    while (t < {NS}::P - 1 && u_pop >= row[t]) t++;
    int k = (int)(u_cell * {NS}::sizes[t]);
    if (k >= {NS}::sizes[t]) k = {NS}::sizes[t] - 1;
    return {NS}::starts[t] + k;
}
static inline double {WEIGHT}(const int pop_pre, const int pop_post, const double u)
{
    const double m = {NS}::w_mean[pop_post][pop_pre];
    const double s = {NS}::w_sd[pop_post][pop_pre];
    const double z = attnsim_ndtri_fast((1.0 - u) * {NS}::w_tail[pop_post][pop_pre]);
    const double x = m > 0 ? m - s * z : m + s * z;
    // the bound holds exactly in distribution; this only absorbs the ~1e-9 sd approximation error
    return m > 0 ? (x > 0.0 ? x : 0.0) : (x < 0.0 ? x : 0.0);
}
static inline double {DELAY}(const int pop_pre, const double u)
{
    const double x = {NS}::d_mean[pop_pre] - {NS}::d_sd[pop_pre] * attnsim_ndtri_fast((1.0 - u) * {NS}::d_tail[pop_pre]);
    return x > {NS}::dt_ms ? x : {NS}::dt_ms;
}
