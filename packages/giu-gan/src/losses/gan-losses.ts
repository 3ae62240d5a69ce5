import * as tf from '@tensorflow/tfjs-core';

/** The adversarial objectives the trainer supports. */
export type GanLossKind = 'non-saturating' | 'hinge' | 'wgan-gp';

/** Discriminator and generator losses of one objective; scores are raw D outputs `[batch, 1]` or `[batch]`. */
export interface GanLoss {
  discriminator(realScores: tf.Tensor, fakeScores: tf.Tensor): tf.Scalar;
  generator(fakeScores: tf.Tensor): tf.Scalar;
}

/**
 * Non-saturating GAN loss (Goodfellow et al. 2014, arXiv 1406.2661), binary cross-entropy on logits:
 * L_D = mean softplus(−D(x)) + mean softplus(D(G(z))), L_G = mean softplus(−D(G(z))).
 * `softplus` is evaluated stably for large |score|.
 *
 * @example
 * const lossD = nonSaturatingLoss.discriminator(dReal, dFake);
 */
export const nonSaturatingLoss: GanLoss = {
  discriminator: (real, fake) =>
    tf.tidy(() => tf.add<tf.Scalar>(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)))),
  generator: (fake) => tf.tidy(() => tf.mean<tf.Scalar>(tf.softplus(tf.neg(fake)))),
};

/**
 * Hinge loss (Lim & Ye, Geometric GAN, arXiv 1705.02894; SAGAN):
 * L_D = mean ReLU(1 − D(x)) + mean ReLU(1 + D(G(z))), L_G = −mean D(G(z)).
 *
 * @example
 * const lossG = hingeLoss.generator(dFake);
 */
export const hingeLoss: GanLoss = {
  discriminator: (real, fake) =>
    tf.tidy(() => tf.add<tf.Scalar>(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake))))),
  generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
};

/**
 * Wasserstein critic loss without its penalty (Arjovsky et al. 2017; Gulrajani et al. 2017, arXiv 1704.00028):
 * L_D = mean D(G(z)) − mean D(x), L_G = −mean D(G(z)). Add {@link gradientPenalty} to L_D for WGAN-GP.
 *
 * @example
 * const lossD = tf.add(wassersteinLoss.discriminator(dReal, dFake), gradientPenalty(critic, real, fake, eps));
 */
export const wassersteinLoss: GanLoss = {
  discriminator: (real, fake) => tf.tidy(() => tf.sub<tf.Scalar>(tf.mean(fake), tf.mean(real))),
  generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
};

/** λ of WGAN-GP (Gulrajani et al. 2017). */
export const WGAN_GP_LAMBDA = 10;

/**
 * The WGAN-GP gradient penalty λ·mean_i (‖∇_x̂ D(x̂_i)‖₂ − 1)² at x̂ = ε·x + (1 − ε)·G(z) (Gulrajani et al.
 * 2017). Differentiating it with respect to D's weights needs second-order gradients: tfjs computes them
 * when every op's gradient is itself differentiable (tested for the package's discriminators in
 * `gradient-penalty.test.ts`).
 *
 * @param critic the discriminator as a function `[batch, h, w, c] → [batch, 1]` (e.g. `x => d.apply(x, { training: true })`).
 * @param real `[batch, h, w, c]`.
 * @param fake `[batch, h, w, c]` (generator output; detach it for the D step).
 * @param epsilon interpolation weights `[batch]` uniform in [0, 1].
 * @param lambda penalty weight. Default `10`.
 * @returns the penalty, a scalar.
 * @example
 * const gp = gradientPenalty((x) => d.apply(x, { training: true }) as tf.Tensor, real, fake, tf.randomUniform([n]));
 */
export function gradientPenalty(
  critic: (x: tf.Tensor4D) => tf.Tensor,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  epsilon: tf.Tensor1D,
  lambda = WGAN_GP_LAMBDA,
): tf.Scalar {
  return tf.tidy(() => {
    const n = real.shape[0];
    const e = tf.reshape(epsilon, [n, 1, 1, 1]);
    const mixed = tf.add<tf.Tensor4D>(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(mixed);
    // ε inside the root keeps the gradient of the norm finite at 0.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(grad, [n, -1])), 1), 1e-12));
    return tf.mul<tf.Scalar>(lambda, tf.mean(tf.square(tf.sub(norms, 1))));
  });
}

/** The {@link GanLoss} of a kind (WGAN-GP → the Wasserstein part; the trainer adds the penalty). */
export function ganLoss(kind: GanLossKind): GanLoss {
  if (kind === 'hinge') return hingeLoss;
  if (kind === 'non-saturating') return nonSaturatingLoss;
  return wassersteinLoss;
}
