/* xoshiro256** generator, portable log/exp, and exponential, lognormal and gamma variates. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "rng_int.h"
#include "banned.h"

/*
 * Reduction points of [1, 2) for the logarithm: c_i = 1 + i/128 for i < 64 and 1 + (i+1)/128
 * above, so that 1 and 2 are points and log x has no cancellation near x = 1. Each row holds
 * log(c_i) (log(c_i / 2) for i >= 64) and 1/c_i, printed once as exact hexadecimal doubles.
 */
static const double log_tab[128][2] = {
    { 0.0, 0x1.0000000000000p+0 },
    { 0x1.fe02a6b106789p-8, 0x1.fc07f01fc07f0p-1 },
    { 0x1.fc0a8b0fc03e4p-7, 0x1.f81f81f81f820p-1 },
    { 0x1.7b91b07d5b11bp-6, 0x1.f44659e4a4271p-1 },
    { 0x1.f829b0e783300p-6, 0x1.f07c1f07c1f08p-1 },
    { 0x1.39e87b9febd60p-5, 0x1.ecc07b301ecc0p-1 },
    { 0x1.77458f632dcfcp-5, 0x1.e9131abf0b767p-1 },
    { 0x1.b42dd711971bfp-5, 0x1.e573ac901e574p-1 },
    { 0x1.f0a30c01162a6p-5, 0x1.e1e1e1e1e1e1ep-1 },
    { 0x1.16536eea37ae1p-4, 0x1.de5d6e3f8868ap-1 },
    { 0x1.341d7961bd1d1p-4, 0x1.dae6076b981dbp-1 },
    { 0x1.51b073f06183fp-4, 0x1.d77b654b82c34p-1 },
    { 0x1.6f0d28ae56b4cp-4, 0x1.d41d41d41d41dp-1 },
    { 0x1.8c345d6319b21p-4, 0x1.d0cb58f6ec074p-1 },
    { 0x1.a926d3a4ad563p-4, 0x1.cd85689039b0bp-1 },
    { 0x1.c5e548f5bc743p-4, 0x1.ca4b3055ee191p-1 },
    { 0x1.e27076e2af2e6p-4, 0x1.c71c71c71c71cp-1 },
    { 0x1.fec9131dbeabbp-4, 0x1.c3f8f01c3f8f0p-1 },
    { 0x1.0d77e7cd08e59p-3, 0x1.c0e070381c0e0p-1 },
    { 0x1.1b72ad52f67a0p-3, 0x1.bdd2b899406f7p-1 },
    { 0x1.29552f81ff523p-3, 0x1.bacf914c1bad0p-1 },
    { 0x1.371fc201e8f74p-3, 0x1.b7d6c3dda338bp-1 },
    { 0x1.44d2b6ccb7d1ep-3, 0x1.b4e81b4e81b4fp-1 },
    { 0x1.526e5e3a1b438p-3, 0x1.b2036406c80d9p-1 },
    { 0x1.5ff3070a793d4p-3, 0x1.af286bca1af28p-1 },
    { 0x1.6d60fe719d21dp-3, 0x1.ac5701ac5701bp-1 },
    { 0x1.7ab890210d909p-3, 0x1.a98ef606a63bep-1 },
    { 0x1.87fa06520c911p-3, 0x1.a6d01a6d01a6dp-1 },
    { 0x1.9525a9cf456b4p-3, 0x1.a41a41a41a41ap-1 },
    { 0x1.a23bc1fe2b563p-3, 0x1.a16d3f97a4b02p-1 },
    { 0x1.af3c94e80bff3p-3, 0x1.9ec8e951033d9p-1 },
    { 0x1.bc286742d8cd6p-3, 0x1.9c2d14ee4a102p-1 },
    { 0x1.c8ff7c79a9a22p-3, 0x1.999999999999ap-1 },
    { 0x1.d5c216b4fbb91p-3, 0x1.970e4f80cb872p-1 },
    { 0x1.e27076e2af2e6p-3, 0x1.948b0fcd6e9e0p-1 },
    { 0x1.ef0adcbdc5936p-3, 0x1.920fb49d0e229p-1 },
    { 0x1.fb9186d5e3e2bp-3, 0x1.8f9c18f9c18fap-1 },
    { 0x1.0402594b4d041p-2, 0x1.8d3018d3018d3p-1 },
    { 0x1.0a324e27390e3p-2, 0x1.8acb90f6bf3aap-1 },
    { 0x1.1058bf9ae4ad5p-2, 0x1.886e5f0abb04ap-1 },
    { 0x1.1675cababa60ep-2, 0x1.8618618618618p-1 },
    { 0x1.1c898c16999fbp-2, 0x1.83c977ab2beddp-1 },
    { 0x1.22941fbcf7966p-2, 0x1.8181818181818p-1 },
    { 0x1.2895a13de86a3p-2, 0x1.7f405fd017f40p-1 },
    { 0x1.2e8e2bae11d31p-2, 0x1.7d05f417d05f4p-1 },
    { 0x1.347dd9a987d55p-2, 0x1.7ad2208e0ecc3p-1 },
    { 0x1.3a64c556945eap-2, 0x1.78a4c8178a4c8p-1 },
    { 0x1.404308686a7e4p-2, 0x1.767dce434a9b1p-1 },
    { 0x1.4618bc21c5ec2p-2, 0x1.745d1745d1746p-1 },
    { 0x1.4be5f957778a1p-2, 0x1.724287f46debcp-1 },
    { 0x1.51aad872df82dp-2, 0x1.702e05c0b8170p-1 },
    { 0x1.5767717455a6cp-2, 0x1.6e1f76b4337c7p-1 },
    { 0x1.5d1bdbf5809cap-2, 0x1.6c16c16c16c17p-1 },
    { 0x1.62c82f2b9c795p-2, 0x1.6a13cd1537290p-1 },
    { 0x1.686c81e9b14afp-2, 0x1.6816816816817p-1 },
    { 0x1.6e08eaa2ba1e4p-2, 0x1.661ec6a5122f9p-1 },
    { 0x1.739d7f6bbd007p-2, 0x1.642c8590b2164p-1 },
    { 0x1.792a55fdd47a2p-2, 0x1.623fa77016240p-1 },
    { 0x1.7eaf83b82afc3p-2, 0x1.6058160581606p-1 },
    { 0x1.842d1da1e8b17p-2, 0x1.5e75bb8d015e7p-1 },
    { 0x1.89a3386c1425bp-2, 0x1.5c9882b931057p-1 },
    { 0x1.8f11e873662c7p-2, 0x1.5ac056b015ac0p-1 },
    { 0x1.947941c2116fbp-2, 0x1.58ed2308158edp-1 },
    { 0x1.99d958117e08bp-2, 0x1.571ed3c506b3ap-1 },
    { -0x1.214456d0eb8d4p-2, 0x1.5390948f40febp-1 },
    { -0x1.1bf99635a6b95p-2, 0x1.51d07eae2f815p-1 },
    { -0x1.16b5ccbacfb73p-2, 0x1.5015015015015p-1 },
    { -0x1.1178e8227e47cp-2, 0x1.4e5e0a72f0539p-1 },
    { -0x1.0c42d676162e3p-2, 0x1.4cab88725af6ep-1 },
    { -0x1.07138604d5862p-2, 0x1.4afd6a052bf5bp-1 },
    { -0x1.01eae5626c691p-2, 0x1.49539e3b2d067p-1 },
    { -0x1.f991c6cb3b379p-3, 0x1.47ae147ae147bp-1 },
    { -0x1.ef5ade4dcffe6p-3, 0x1.460cbc7f5cf9ap-1 },
    { -0x1.e530effe71012p-3, 0x1.446f86562d9fbp-1 },
    { -0x1.db13db0d48940p-3, 0x1.42d6625d51f87p-1 },
    { -0x1.d1037f2655e7bp-3, 0x1.4141414141414p-1 },
    { -0x1.c6ffbc6f00f71p-3, 0x1.3fb013fb013fbp-1 },
    { -0x1.bd087383bd8adp-3, 0x1.3e22cbce4a902p-1 },
    { -0x1.b31d8575bce3dp-3, 0x1.3c995a47babe7p-1 },
    { -0x1.a93ed3c8ad9e3p-3, 0x1.3b13b13b13b14p-1 },
    { -0x1.9f6c407089664p-3, 0x1.3991c2c187f63p-1 },
    { -0x1.95a5adcf7017fp-3, 0x1.3813813813814p-1 },
    { -0x1.8beafeb38fe8cp-3, 0x1.3698df3de0748p-1 },
    { -0x1.823c16551a3c2p-3, 0x1.3521cfb2b78c1p-1 },
    { -0x1.7898d85444c73p-3, 0x1.33ae45b57bcb2p-1 },
    { -0x1.6f0128b756abcp-3, 0x1.323e34a2b10bfp-1 },
    { -0x1.6574ebe8c133ap-3, 0x1.30d190130d190p-1 },
    { -0x1.5bf406b543db2p-3, 0x1.2f684bda12f68p-1 },
    { -0x1.527e5e4a1b58dp-3, 0x1.2e025c04b8097p-1 },
    { -0x1.4913d8333b561p-3, 0x1.2c9fb4d812ca0p-1 },
    { -0x1.3fb45a59928ccp-3, 0x1.2b404ad012b40p-1 },
    { -0x1.365fcb0159016p-3, 0x1.29e4129e4129ep-1 },
    { -0x1.2d1610c86813ap-3, 0x1.288b01288b013p-1 },
    { -0x1.23d712a49c202p-3, 0x1.27350b8812735p-1 },
    { -0x1.1aa2b7e23f72ap-3, 0x1.25e22708092f1p-1 },
    { -0x1.1178e8227e47cp-3, 0x1.2492492492492p-1 },
    { -0x1.08598b59e3a07p-3, 0x1.23456789abcdfp-1 },
    { -0x1.fe89139dbd566p-4, 0x1.21fb78121fb78p-1 },
    { -0x1.ec739830a1120p-4, 0x1.20b470c67c0d9p-1 },
    { -0x1.da727638446a2p-4, 0x1.1f7047dc11f70p-1 },
    { -0x1.c885801bc4b23p-4, 0x1.1e2ef3b3fb874p-1 },
    { -0x1.b6ac88dad5b1cp-4, 0x1.1cf06ada2811dp-1 },
    { -0x1.a4e7640b1bc38p-4, 0x1.1bb4a4046ed29p-1 },
    { -0x1.9335e5d594989p-4, 0x1.1a7b9611a7b96p-1 },
    { -0x1.8197e2f40e3f0p-4, 0x1.19453808ca29cp-1 },
    { -0x1.700d30aeac0e1p-4, 0x1.1811811811812p-1 },
    { -0x1.5e95a4d9791cbp-4, 0x1.16e0689427379p-1 },
    { -0x1.4d3115d207eacp-4, 0x1.15b1e5f75270dp-1 },
    { -0x1.3bdf5a7d1ee64p-4, 0x1.1485f0e0acd3bp-1 },
    { -0x1.2aa04a44717a5p-4, 0x1.135c81135c811p-1 },
    { -0x1.1973bd1465567p-4, 0x1.12358e75d3033p-1 },
    { -0x1.08598b59e3a07p-4, 0x1.1111111111111p-1 },
    { -0x1.eea31c006b87cp-5, 0x1.0fef010fef011p-1 },
    { -0x1.ccb73cdddb2ccp-5, 0x1.0ecf56be69c90p-1 },
    { -0x1.aaef2d0fb10fcp-5, 0x1.0db20a88f4696p-1 },
    { -0x1.894aa149fb343p-5, 0x1.0c9714fbcda3bp-1 },
    { -0x1.67c94f2d4bb58p-5, 0x1.0b7e6ec259dc8p-1 },
    { -0x1.466aed42de3eap-5, 0x1.0a6810a6810a7p-1 },
    { -0x1.252f32f8d183fp-5, 0x1.0953f39010954p-1 },
    { -0x1.0415d89e74444p-5, 0x1.0842108421084p-1 },
    { -0x1.c63d2ec14aaf2p-6, 0x1.073260a47f7c6p-1 },
    { -0x1.8492528c8cabfp-6, 0x1.0624dd2f1a9fcp-1 },
    { -0x1.432a925980cc1p-6, 0x1.05197f7d73404p-1 },
    { -0x1.0205658935847p-6, 0x1.0410410410410p-1 },
    { -0x1.82448a388a2aap-7, 0x1.03091b51f5e1ap-1 },
    { -0x1.010157588de71p-7, 0x1.0204081020408p-1 },
    { -0x1.0080559588b35p-8, 0x1.0101010101010p-1 },
    { 0.0, 0x1.0000000000000p-1 },
};

#define LN2_HI 6.93147180369123816490e-01 /* ln 2, upper 32 bits: k * LN2_HI is exact */
#define LN2_LO 1.90821492927058770002e-10 /* ln 2 - LN2_HI */
#define INV_LN2 1.44269504088896338700e+00

uint64_t sl_rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void zig_setup(void);
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

void sl_rng_seed(struct sl_rng *r, uint64_t seed)
{
    int i;

    pthread_once(&zig_once, zig_setup);

    /* four successive splitmix64 outputs, as xoshiro's authors recommend */
    for (i = 0; i < 4; i++) {
        r->s[i] = sl_rng_mix(seed);
        seed += 0x9e3779b97f4a7c15ULL;
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

void sl_rng_seed_stream(struct sl_rng *r, uint64_t seed, uint64_t stream)
{
    pthread_once(&zig_once, zig_setup);
    int i;

    /*
     * x -> sl_rng_mix(x + c) is a bijection, so s[0] alone determines the seed and s[1] the
     * stream: no two pairs share a state. s[2] and s[3] hash both, so that states of
     * neighbouring seeds or streams differ in every word; the first draws are thrown away too.
     */
    r->s[0] = sl_rng_mix(seed + 0x3c6ef372fe94f82aULL);
    r->s[1] = sl_rng_mix(stream + 0xdaa66d2c7ddf743fULL);
    r->s[2] = sl_rng_mix(r->s[0] ^ sl_rng_mix(r->s[1] + 0x78dde6e5fd29f054ULL));
    r->s[3] = sl_rng_mix(r->s[1] ^ sl_rng_mix(r->s[0] + 0x1715609d63d6b0a9ULL));
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
    for (i = 0; i < 16; i++)
        sl_rng_next(r);
}

uint64_t sl_rng_next(struct sl_rng *r)
{
    return sl_rng_step(r);
}

double sl_rng_uniform(struct sl_rng *r)
{
    return sl_rng_uniform_inline(r);
}

/*
 * Below 1/2, log(1 - p) = -2 atanh(z), z = p / (2 - p) <= 1/3, by its series z + z^3/3 + ...
 * (1 - p would round away the digits of a small p); from 1/2 up, 1 - p is exact (Sterbenz).
 */
double sl_rng_log1m(double p)
{
    double z, z2, term, sum = 0.0;
    int k;

    if (p >= 0.5)
        return sl_rng_log(1.0 - p);
    z = p / (2.0 - p);
    z2 = z * z;
    term = z;
    for (k = 1; term / k > sum * 0x1p-60 && term > 0.0; k += 2) {
        sum += term / k;
        term *= z2;
    }
    return -2.0 * sum;
}

/* P(floor(log U / log(1 - p)) >= g) = P(U <= (1 - p)^g) = (1 - p)^g. */
uint64_t sl_rng_geometric(struct sl_rng *r, double log1m_p)
{
    double g = floor(sl_rng_log(sl_rng_uniform(r)) / log1m_p);

    return g >= 0.0 && g < 0x1p62 ? (uint64_t)g : 1ULL << 62;
}

uint32_t sl_rng_below(struct sl_rng *r, uint32_t n)
{
    uint64_t m = (sl_rng_next(r) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;

    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;

        while (low < threshold) {
            m = (sl_rng_next(r) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/*
 * x = 2^e * m with m in [1, 2); m = c_i * (1 + r) with |r| < 2^-7, so
 * log x = e ln 2 + log c_i + log(1 + r), the last a short alternating series.
 */
double sl_rng_log(double x)
{
    uint64_t bits;
    int e;
    unsigned i;
    double m, c, r, p;

    if (!(x > 0.0))
        return x == 0.0 ? -HUGE_VAL : NAN;
    if (x == HUGE_VAL)
        return x;
    memcpy(&bits, &x, sizeof(bits));
    e = (int)((bits >> 52) & 0x7ff);
    if (e == 0) {
        x *= 0x1p54; /* subnormal: normalise exactly */
        memcpy(&bits, &x, sizeof(bits));
        e = (int)((bits >> 52) & 0x7ff) - 54;
    }
    e -= 1023;
    bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    memcpy(&m, &bits, sizeof(m));
    i = (unsigned)((bits >> 45) & 127);
    if (i < 64) {
        c = 1.0 + (double)i * (1.0 / 128.0);
    } else {
        c = 1.0 + (double)(i + 1) * (1.0 / 128.0);
        e++;
    }
    r = (m - c) * log_tab[i][1];
    p = r * (1.0 + r * (-1.0 / 2 + r * (1.0 / 3 + r * (-1.0 / 4 + r * (1.0 / 5
        + r * (-1.0 / 6 + r * (1.0 / 7 + r * (-1.0 / 8))))))));
    return ((double)e * LN2_HI + log_tab[i][0]) + (p + (double)e * LN2_LO);
}

/* exp x = 2^k exp(r), |r| <= ln2/2, exp(r) by its Taylor series to the 13th power. */
double sl_rng_exp(double x)
{
    double k, r, p;

    if (x != x)
        return x;
    if (x > 709.782712893383973)
        return HUGE_VAL;
    if (x < -745.2)
        return 0.0;
    k = floor(x * INV_LN2 + 0.5);
    r = (x - k * LN2_HI) - k * LN2_LO;
    p = 1.0 / 6227020800.0;
    p = 1.0 / 479001600.0 + r * p;
    p = 1.0 / 39916800.0 + r * p;
    p = 1.0 / 3628800.0 + r * p;
    p = 1.0 / 362880.0 + r * p;
    p = 1.0 / 40320.0 + r * p;
    p = 1.0 / 5040.0 + r * p;
    p = 1.0 / 720.0 + r * p;
    p = 1.0 / 120.0 + r * p;
    p = 1.0 / 24.0 + r * p;
    p = 1.0 / 6.0 + r * p;
    p = 0.5 + r * p;
    p = 1.0 + r * p;
    p = 1.0 + r * p;
    return ldexp(p, (int)k);
}

double sl_rng_normal(struct sl_rng *r)
{
    double u, v, s;

    do {
        u = 2.0 * sl_rng_uniform(r) - 1.0;
        v = 2.0 * sl_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * sl_rng_log(s) / s);
}

/*
 * Exponential ziggurat (Marsaglia and Tsang 2000) with 256 layers, on 64-bit draws: the low 8
 * bits pick the layer and the top 53 the abscissa, so the two are independent. 97.8 % of draws
 * take the fast path (one generator step, a compare, a multiply). The tables are computed once,
 * with this module's own exp and log, so they are the same on every machine.
 */
#define ZIG_R 7.69711747013104972   /* start of the tail */
#define ZIG_V 3.949659822581572e-3  /* area of each layer */

uint64_t sl_rng_zig_k[256];
double sl_rng_zig_w[256];
static double zig_f[256];
static double zig_x[256]; /* layer i spans [0, zig_x[i]); zig_x[0] = 0 closes the top layer */

static void zig_setup(void)
{
    const double m = 0x1p53;
    double de = ZIG_R, te = ZIG_R, q = ZIG_V / sl_rng_exp(-ZIG_R);
    int i;

    sl_rng_zig_k[0] = (uint64_t)((de / q) * m);
    sl_rng_zig_k[1] = 0;
    sl_rng_zig_w[0] = q / m;
    sl_rng_zig_w[255] = de / m;
    zig_f[0] = 1.0;
    zig_f[255] = sl_rng_exp(-de);
    for (i = 254; i >= 1; i--) {
        de = -sl_rng_log(ZIG_V / de + sl_rng_exp(-de));
        sl_rng_zig_k[i + 1] = (uint64_t)((de / te) * m);
        te = de;
        zig_f[i] = sl_rng_exp(-de);
        sl_rng_zig_w[i] = de / m;
    }
    for (i = 1; i < 256; i++)
        zig_x[i] = sl_rng_zig_w[i] * m; /* exact: m is a power of two */
    zig_x[0] = 0.0;
}

/*
 * Whether the point (v, y) of layer i's wedge lies under e^-v, the test y < sl_rng_exp(-v)
 * without the exp for nearly every point. e^-v is convex: it lies above its tangents at both
 * ends of the wedge and below the chord between them. A point clearly under a tangent is under
 * the curve, one clearly over the chord is over it; ZIG_SLACK is some ten thousand times the
 * rounding of either bound and of sl_rng_exp, so both answers are those of the exp itself (the
 * stream is unchanged), and only the thin band between the bounds pays for the exp.
 */
#define ZIG_SLACK 0x1p-40

static int zig_under(unsigned i, double v, double y)
{
    double x0 = zig_x[i - 1], x1 = zig_x[i], f0 = zig_f[i - 1], f1 = zig_f[i];
    double t0 = f0 * (1.0 - (v - x0)), t1 = f1 * (1.0 - (v - x1));
    double chord = f1 + (f0 - f1) * ((x1 - v) / (x1 - x0));

    if (y < (t0 > t1 ? t0 : t1) - ZIG_SLACK)
        return 1;
    if (y > chord + ZIG_SLACK)
        return 0;
    return y < sl_rng_exp(-v);
}

/* Draw x missed its layer's rectangle: the base strip's tail, a wedge test, or a new draw. */
double sl_rng_zig_rest(struct sl_rng *r, uint64_t x)
{
    for (;;) {
        unsigned i = (unsigned)(x & 255);
        uint64_t u = x >> 11;
        double v = (double)u * sl_rng_zig_w[i];

        if (u < sl_rng_zig_k[i])
            return v;
        if (i == 0)
            return ZIG_R - sl_rng_log(sl_rng_uniform(r));
        if (zig_under(i, v, zig_f[i] + sl_rng_uniform(r) * (zig_f[i - 1] - zig_f[i])))
            return v;
        x = sl_rng_step(r);
    }
}

/*
 * n exponentials into out, the draws sl_rng_exponential_inline would make one by one. The state
 * lives in a copy that never escapes, so it stays in registers; only the slow path writes it
 * back for sl_rng_zig_rest.
 */
void sl_rng_exponential_fill(struct sl_rng *r, double *out, size_t n)
{
    struct sl_rng g = *r;
    size_t j;

    for (j = 0; j < n; j++) {
        uint64_t x = sl_rng_step(&g);
        unsigned i = (unsigned)(x & 255);
        uint64_t u = x >> 11;

        if (u < sl_rng_zig_k[i]) {
            out[j] = (double)u * sl_rng_zig_w[i];
        } else {
            *r = g;
            out[j] = sl_rng_zig_rest(r, x);
            g = *r;
        }
    }
    *r = g;
}

double sl_rng_exponential(struct sl_rng *r)
{
    return sl_rng_exponential_inline(r);
}

static const char *const dist_names[] = { "exp", "det", "lognormal", "gamma", "hyperexp" };

const char *sl_rng_dist_name(enum sl_rng_dist_kind k)
{
    return (unsigned)k <= SL_RNG_DIST_HYPEREXP ? dist_names[k] : "unknown";
}

enum sl_status sl_rng_dist_parse(const char *s, enum sl_rng_dist_kind *out)
{
    unsigned i;

    if (!s)
        return SL_E_INVALID;
    for (i = 0; i < sizeof(dist_names) / sizeof(dist_names[0]); i++) {
        if (!strcmp(s, dist_names[i])) {
            *out = (enum sl_rng_dist_kind)i;
            return SL_OK;
        }
    }
    if (!strcmp(s, "exponential")) {
        *out = SL_RNG_DIST_EXP;
        return SL_OK;
    }
    if (!strcmp(s, "deterministic")) {
        *out = SL_RNG_DIST_DET;
        return SL_OK;
    }
    return SL_E_INVALID;
}

enum sl_status sl_rng_dist_init(struct sl_rng_dist *d, enum sl_rng_dist_kind kind, double mean,
                                double cv, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    if ((unsigned)kind > SL_RNG_DIST_HYPEREXP) {
        if (err)
            snprintf(err, errlen, "invalid distribution %d (expected exp, det, lognormal, gamma "
                     "or hyperexp)", (int)kind);
        return SL_E_INVALID;
    }
    if (!(mean > 0.0) || !isfinite(mean)) {
        if (err)
            snprintf(err, errlen, "invalid mean %g (expected a positive number)", mean);
        return SL_E_INVALID;
    }
    if ((kind == SL_RNG_DIST_LOGNORMAL || kind == SL_RNG_DIST_GAMMA)
        && !(cv >= SL_RNG_CV_MIN && cv <= SL_RNG_CV_MAX)) {
        if (err)
            snprintf(err, errlen, "invalid cv %g for %s (expected %g to %g)", cv,
                     dist_names[kind], SL_RNG_CV_MIN, SL_RNG_CV_MAX);
        return SL_E_INVALID;
    }
    if (kind == SL_RNG_DIST_HYPEREXP && !(cv >= 1.0 && cv <= SL_RNG_CV_MAX)) {
        if (err)
            snprintf(err, errlen, "invalid cv %g for hyperexp (expected 1 to %g: two exponential "
                     "phases vary at least as much as one)", cv, SL_RNG_CV_MAX);
        return SL_E_INVALID;
    }
    d->kind = kind;
    d->mean = mean;
    switch (kind) {
    case SL_RNG_DIST_EXP:
        d->cv = 1.0;
        break;
    case SL_RNG_DIST_DET:
        d->cv = 0.0;
        break;
    case SL_RNG_DIST_LOGNORMAL: {
        double s2 = sl_rng_log(1.0 + cv * cv);

        d->cv = cv;
        d->p2 = sqrt(s2);
        d->p1 = sl_rng_log(mean) - 0.5 * s2;
        break;
    }
    case SL_RNG_DIST_GAMMA: {
        double shape = 1.0 / (cv * cv);
        double dd = (shape < 1.0 ? shape + 1.0 : shape) - 1.0 / 3.0;

        d->cv = cv;
        d->p1 = dd;
        d->p2 = 1.0 / sqrt(9.0 * dd);
        d->p3 = shape < 1.0 ? 1.0 / shape : 0.0;
        break;
    }
    case SL_RNG_DIST_HYPEREXP: {
        /*
         * H2 with balanced means (each phase carries half the mean): phase 1 with probability
         * p = (1 + sqrt((cv^2 - 1)/(cv^2 + 1))) / 2, phase i of mean m / (2 p_i); then
         * E = m and CV = cv exactly (Whitt 1982, the balanced-means H2 fit).
         */
        double c2 = cv * cv, p1 = 0.5 * (1.0 + sqrt((c2 - 1.0) / (c2 + 1.0)));

        d->cv = cv;
        d->p3 = p1;
        d->p1 = mean / (2.0 * p1);
        d->p2 = mean / (2.0 * (1.0 - p1));
        break;
    }
    }
    return SL_OK;
}

/* Marsaglia and Tsang (2000), with the U^(1/a) boost for shape a < 1; mean 1 is scaled after. */
static double gamma_draw(const struct sl_rng_dist *d, struct sl_rng *r)
{
    double dd = d->p1, c = d->p2, z, v, u, x;

    for (;;) {
        z = sl_rng_normal(r);
        v = 1.0 + c * z;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        u = sl_rng_uniform(r);
        if (u < 1.0 - 0.0331 * (z * z) * (z * z))
            break;
        if (sl_rng_log(u) < 0.5 * z * z + dd * (1.0 - v + sl_rng_log(v)))
            break;
    }
    x = dd * v;
    if (d->p3 > 0.0)
        x *= sl_rng_exp(sl_rng_log(sl_rng_uniform(r)) * d->p3);
    /* shape * scale = mean, scale = mean * cv^2 = mean / shape */
    return x * d->mean * d->cv * d->cv;
}

double sl_rng_dist_draw(const struct sl_rng_dist *d, struct sl_rng *r)
{
    switch (d->kind) {
    case SL_RNG_DIST_EXP:
        return d->mean * sl_rng_exponential(r);
    case SL_RNG_DIST_DET:
        return d->mean;
    case SL_RNG_DIST_LOGNORMAL:
        return sl_rng_exp(d->p1 + d->p2 * sl_rng_normal(r));
    case SL_RNG_DIST_GAMMA:
        return gamma_draw(d, r);
    case SL_RNG_DIST_HYPEREXP:
        return (sl_rng_uniform(r) < d->p3 ? d->p1 : d->p2) * sl_rng_exponential(r);
    }
    return d->mean;
}
