/**
 * Draws the Teams app icons and writes them as PNG files:
 *   appPackage/color.png    192x192, the glyph in white on the accent colour
 *   appPackage/outline.png   32x32, the same glyph in white on a transparent background
 *
 * Usage: node dist/scripts/makeIcons.js [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32';

/** Keep in step with `accentColor` in appPackage/manifest.json. */
export const ACCENT = '#0F6CBD';

export type Rgb = readonly [number, number, number];
/** `'clear'` erases to transparent, which is how the outline icon cuts the check out of its badge. */
export type Paint = Rgb | 'clear';
/** A region of the unit square, y pointing down. */
export type Shape = (x: number, y: number) => boolean;

const WHITE: Rgb = [255, 255, 255];
const SUBSAMPLES = 4;

export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1] as string, 16), parseInt(m[2] as string, 16), parseInt(m[3] as string, 16)];
}

/** A square RGBA canvas; shapes are painted with 4x4 supersampling for smooth edges. */
export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly size: number,
    background: Rgb,
    backgroundAlpha: number,
  ) {
    this.pixels = new Uint8Array(size * size * 4);
    for (let i = 0; i < this.pixels.length; i += 4) {
      this.pixels.set([background[0], background[1], background[2], backgroundAlpha], i);
    }
  }

  paint(shape: Shape, paint: Paint): this {
    const { size, pixels } = this;
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        let hits = 0;
        for (let sy = 0; sy < SUBSAMPLES; sy++) {
          for (let sx = 0; sx < SUBSAMPLES; sx++) {
            if (shape((px + (sx + 0.5) / SUBSAMPLES) / size, (py + (sy + 0.5) / SUBSAMPLES) / size)) hits++;
          }
        }
        if (hits === 0) continue;
        const cover = hits / (SUBSAMPLES * SUBSAMPLES);
        const i = (py * size + px) * 4;
        const below = (pixels[i + 3] as number) / 255;
        if (paint === 'clear') {
          pixels[i + 3] = Math.round(below * (1 - cover) * 255);
          continue;
        }
        const alpha = cover + below * (1 - cover);
        for (let c = 0; c < 3; c++) {
          const mixed = (paint[c] as number) * cover + (pixels[i + c] as number) * below * (1 - cover);
          pixels[i + c] = Math.round(mixed / alpha);
        }
        pixels[i + 3] = Math.round(alpha * 255);
      }
    }
    return this;
  }
}

export const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** A stroke of half-width `hw` with round caps, through the given points. */
export function polyline(points: ReadonlyArray<readonly [number, number]>, hw: number): Shape {
  const segments = points.slice(1).map((b, i) => [points[i] as readonly [number, number], b] as const);
  return (x, y) =>
    segments.some(([[ax, ay], [bx, by]]) => {
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= hw * hw;
    });
}

export function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

export const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);

export const intersect =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && b(x, y);

/** Maps a shape drawn for the unit square so it is scaled by `k` about the centre. */
const zoom =
  (shape: Shape, k: number): Shape =>
  (x, y) =>
    shape(0.5 + (x - 0.5) / k, 0.5 + (y - 0.5) / k);

interface GlyphStyle {
  /** The glyph's own colour. */
  ink: Rgb;
  /** What separates the check badge from the window and draws the check: the background colour, or transparency. */
  paper: Paint;
  /** Scale about the centre: the colour icon keeps a safe margin, the outline icon fills its 32 px. */
  scale: number;
  /** Stroke half-width in unit-square terms, before scaling. */
  stroke: number;
  /** Whether to draw the window's title bar (too fine to read at 32 px). */
  titleBar: boolean;
  /** Length of the prompt's cursor; shorter where thick strokes leave less room before the badge. */
  underscore: number;
}

/** A PowerShell prompt window (">_") with a check-mark badge: "your console error, diagnosed". */
export function drawGlyph(canvas: Canvas, style: GlyphStyle): Canvas {
  const { ink, paper, scale, stroke: hw, titleBar, underscore } = style;
  const z = (shape: Shape) => zoom(shape, scale);
  const outer = roundedRect(0.2, 0.25, 0.8, 0.72, 0.06);
  const inner = roundedRect(0.2 + 2 * hw, 0.25 + 2 * hw, 0.8 - 2 * hw, 0.72 - 2 * hw, Math.max(0.01, 0.06 - 2 * hw));
  canvas.paint(z(minus(outer, inner)), ink);
  if (titleBar) canvas.paint(z(intersect(outer, (_x, y) => y <= 0.34)), ink);
  // The prompt sits a fixed gap inside the window's stroke, so thicker strokes push it right.
  const left = 0.245 + 3 * hw;
  const tip = left + 0.085;
  canvas.paint(
    z(
      polyline(
        [
          [left, 0.44],
          [tip, 0.505],
          [left, 0.57],
        ],
        hw,
      ),
    ),
    ink,
  );
  canvas.paint(
    z(
      polyline(
        [
          [tip + 0.055, 0.585],
          [tip + 0.055 + underscore, 0.585],
        ],
        hw,
      ),
    ),
    ink,
  );
  canvas.paint(z(circle(0.72, 0.68, 0.16)), paper);
  canvas.paint(z(circle(0.72, 0.68, 0.125)), ink);
  canvas.paint(
    z(
      polyline(
        [
          [0.665, 0.685],
          [0.705, 0.725],
          [0.775, 0.645],
        ],
        hw * 0.85,
      ),
    ),
    paper,
  );
  return canvas;
}

export function drawColorIcon(accent = hexToRgb(ACCENT)): Canvas {
  return drawGlyph(new Canvas(192, accent, 255), { ink: WHITE, paper: accent, scale: 1, stroke: 0.022, titleBar: true, underscore: 0.09 });
}

export function drawOutlineIcon(): Canvas {
  return drawGlyph(new Canvas(32, WHITE, 0), { ink: WHITE, paper: 'clear', scale: 1.3, stroke: 0.032, titleBar: false, underscore: 0.06 });
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGBA pixels (colour type 6) with filter type 0 on every row. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth, colour type RGBA, deflate, adaptive filtering, no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function renderIcons(): { 'color.png': Buffer; 'outline.png': Buffer } {
  const color = drawColorIcon();
  const outline = drawOutlineIcon();
  return {
    'color.png': encodePng(color.size, color.size, color.pixels),
    'outline.png': encodePng(outline.size, outline.size, outline.pixels),
  };
}

function main(argv: string[]): number {
  const root = resolve(__dirname, __dirname.includes(join('dist', 'scripts')) ? '../..' : '..');
  const outDir = resolve(argv[0] ?? join(root, 'appPackage'));
  mkdirSync(outDir, { recursive: true });
  for (const [name, png] of Object.entries(renderIcons())) {
    writeFileSync(join(outDir, name), png);
    process.stdout.write(`wrote ${join(outDir, name)} (${png.length} bytes)\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
