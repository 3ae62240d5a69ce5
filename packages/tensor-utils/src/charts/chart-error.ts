import { FrxError, frxErrorBrand } from '../errors/frx-error';

/** A chart that cannot be drawn: an SVG element or colour outside the supported subset, a malformed raster. */
export class ChartError extends FrxError {
  static override readonly brand = frxErrorBrand('ChartError');
  override readonly name = 'ChartError';
}
