import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { hazardousLabel, medicalLabel } from './label-data.fixture';
import { renderLabelPng } from './label-png';

function decodeQr(png: Buffer): { width: number; height: number; payload: string | undefined } {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return { width: image.width, height: image.height, payload: found?.data };
}

describe('renderLabelPng', () => {
  it('draws a QR code that scans to exactly the payload', () => {
    const data = hazardousLabel();
    const { width, height, payload } = decodeQr(renderLabelPng(data, { dpi: 300 }));
    // 100 mm at 300 dpi.
    expect([width, height]).toEqual([1181, 1181]);
    expect(payload).toBe(data.qrPayload);
  });

  it.each([
    ['a medical-waste label', medicalLabel()],
    ['a 150 mm label at 200 dpi', hazardousLabel({ containerVolumeLitres: 200 })],
    ['a payload with characters outside ASCII', hazardousLabel({ qrPayload: 'WL1:容器/91500106MA5U3X5K1X?sig=a+b/c=' })],
  ])('keeps the QR code readable on %s', (_name, data) => {
    expect(decodeQr(renderLabelPng(data, { dpi: 200 })).payload).toBe(data.qrPayload);
  });

  it('uses the bundled CJK font, not boxes: the title has ink', () => {
    const png = PNG.sync.read(renderLabelPng(hazardousLabel(), { dpi: 150 }));
    // The header band (top tenth) holds black title pixels on orange.
    let dark = 0;
    for (let y = 0; y < png.height / 10; y++) {
      for (let x = Math.floor(png.width * 0.3); x < png.width * 0.7; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] < 60 && png.data[i + 1] < 60 && png.data[i + 2] < 60) dark++;
      }
    }
    expect(dark).toBeGreaterThan(500);
  });

  it('refuses an unusable resolution', () => {
    expect(() => renderLabelPng(hazardousLabel(), { dpi: 0 })).toThrow(RangeError);
  });
});
