
namespace {NS} {
static const int P = {P};
static const double out_mean[{P}] = {OUT_MEAN};
static const double target_cdf[{P}][{P}] = {TARGET_CDF};
static const int starts[{P}] = {STARTS};
static const int sizes[{P}] = {SIZES};
static const double w_mean[{P}][{P}] = {W};
static const double w_sd[{P}][{P}] = {W_SD};
static const double w_tail[{P}][{P}] = {W_TAIL};
}
