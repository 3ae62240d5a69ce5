import { Adam, type AdamOptions } from './adam';

/** AdamW's default weight decay, as PyTorch `torch.optim.AdamW`. */
export const ADAMW_DEFAULT_WEIGHT_DECAY = 1e-2;

/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with PyTorch
 * `torch.optim.AdamW` semantics: the weights of the filtered variables first shrink by `(1 − lr·wd)`,
 * then the Adam step runs on the undecayed gradient. Defaults β = (0.9, 0.999), ε = 1e-8, wd = 1e-2.
 * arcface_torch's ViT configs use lr 1e-3 with wd 0.1.
 *
 * @example
 * const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.1, weightDecayFilter: excludeBiasAndNorm });
 */
export class AdamW extends Adam {
  static override readonly className: string = 'FrxAdamW';

  constructor(options: AdamOptions) {
    super(options, 'AdamW', true, ADAMW_DEFAULT_WEIGHT_DECAY);
  }
}
