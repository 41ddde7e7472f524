// Standard exponential variates by Marsaglia and Tsang's ziggurat ("The Ziggurat Method for
// Generating Random Variables", Journal of Statistical Software 5(8), 2000): one 32-bit draw, a table
// lookup and a multiply on 98.8% of calls, where -log(u) would cost a logarithm every time. The run
// simulation draws one per interruption, hundreds of millions per benchmark.

const R = 7.697117470131487;
const V = 3.949659822581572e-3;
const TWO_32 = 4294967296;

const ke = new Float64Array(256);
const we = new Float64Array(256);
const fe = new Float64Array(256);
{
  let de = R;
  let te = de;
  const q = V / Math.exp(-de);
  ke[0] = (de / q) * TWO_32;
  ke[1] = 0;
  we[0] = q / TWO_32;
  we[255] = de / TWO_32;
  fe[0] = 1;
  fe[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(V / de + Math.exp(-de));
    ke[i + 1] = (de / te) * TWO_32;
    te = de;
    fe[i] = Math.exp(-de);
    we[i] = de / TWO_32;
  }
}

/** A source of uniformly distributed 32-bit integers (any sign), such as a pure-rand generator. */
export interface IntSource {
  unsafeNext(): number;
}

/**
 * An exponential variate with mean 1. Every draw goes through the one call of `unsafeNext` at the top
 * of the loop (the rare tail and wedge steps included): a call site only the rare path reaches has no
 * type feedback when V8 first optimizes the run's loop, and reaching it threw the optimized code away
 * and compiled it again, which cost a cold `plan` about 40 ms. The draws are the same, in order.
 */
export function standardExponential(source: IntSource): number {
  // 0: the next draw is a strip and its point; 1: the tail's uniform; 2: the wedge's uniform.
  let step = 0;
  let jz = 0;
  let iz = 0;
  for (;;) {
    const draw = source.unsafeNext() >>> 0;
    if (step === 0) {
      jz = draw;
      iz = jz & 255;
      if (jz < (ke[iz] as number)) return jz * (we[iz] as number);
      step = iz === 0 ? 1 : 2;
      continue;
    }
    const u = (draw + 0.5) / TWO_32;
    if (step === 1) return R - Math.log(u);
    const x = jz * (we[iz] as number);
    if ((fe[iz] as number) + u * ((fe[iz - 1] as number) - (fe[iz] as number)) < Math.exp(-x)) return x;
    step = 0;
  }
}
