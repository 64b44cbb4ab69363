/**
 * What the page steps (src/ocr/page-steps.ts) read and write: one page of one document, from its text
 * layer to its last reading. A step gets a state and returns the next one (a new object: the loop can
 * then keep either); only `log`, what was done to the page whichever reading is kept, is shared and grows.
 */
import type { Rotation } from './orientation';
import type { GreyImage, PdfDocument, RenderedPage } from './pdf';
import type { PreparedImage } from './preprocess';
import type { SecondOpinionReport } from './second-opinion';
import type { Psm, Recognition, Recognizer } from './tesseract';
import type { PageLayout } from '../text/page';
import type { OcrMode, PageProgress } from './types';

/** The page and what reading it may use; the same object for every state of the page. */
export interface PageContext {
  doc: PdfDocument;
  /** 0-based. */
  index: number;
  mode: OcrMode;
  /** Every page read with this segmentation (OcrEngineOptions.psm); unset, each page's own (src/ocr/layout.ts). */
  psm: Psm | undefined;
  /** Render resolution (OCR_DPI). */
  dpi: number;
  /** Every language of OCR_LANGS, primary first. */
  langCodes: readonly string[];
  /** The model every page is read with first (the primary language), and its language string. */
  primary: Recognizer;
  /** Languages of OCR_LANGS that the primary reading does not have: where a page may be routed to. */
  others: readonly string[];
  /** A model with every language (the pool's shared one, or the engine's own). */
  all: Recognizer;
  /** Where the page is (`rendering` or `ocr`, and a turn once found); the loop sends it. */
  progress: (p: Omit<PageProgress, 'pages'>) => void;
  /** The last progress sent for this page (JSON), so that a step that changes nothing says nothing. */
  told?: string;
}

/** What was done to the page, kept or not: tesseract passes in order, and each step's time. */
export interface PageLog {
  /** `fra`, `fra/sauvola`, `fra/turned 90`, `fra+eng`, `fra+eng/words` (see `PageResult.passes`). */
  passes: string[];
  /** Own time of each step that ran, ms, by step name (a step that runs steps is charged the rest). */
  ms: Record<string, number>;
  /** The sum of `ms`. */
  totalMs: number;
}

export interface PageState {
  readonly page: PageContext;
  readonly log: PageLog;
  /**
   * Set when the page needs no more steps: read from its text layer (`text`), or found to hold nothing
   * to read (`empty` says why; `image` is what was looked at).
   */
  final?: 'text-layer' | 'empty';
  /** The text layer's text and words (a text-layer page). */
  text?: string;
  layout?: PageLayout;
  /** Why the page's text layer was set aside and the scan read instead. */
  textLayerNote?: string;
  empty?: string;
  rendered?: RenderedPage;
  prepared?: PreparedImage;
  /** The image tesseract reads and the resolution it is told. */
  image?: GreyImage;
  dpi?: number;
  /** The page segmentation every reading of the page uses, chosen when it is prepared (src/ocr/layout.ts). */
  psm?: Psm;
  reading?: Recognition;
  /** The language string whose reading the page keeps. */
  lang?: string;
  rotated?: Rotation;
  secondOpinion?: SecondOpinionReport;
}

/** A state the page steps need: the image prepared and read. */
export type ReadState = PageState & Required<Pick<PageState, 'rendered' | 'prepared' | 'image' | 'dpi' | 'psm' | 'reading' | 'lang'>>;

export function isRead(state: PageState): state is ReadState {
  return state.reading !== undefined && state.image !== undefined && state.psm !== undefined;
}

export function newPageState(page: PageContext): PageState {
  return { page, log: { passes: [], ms: {}, totalMs: 0 } };
}

/** `state` as a read page; a step that needs one is listed after the reading (a mistake in a list otherwise). */
export function asRead(state: PageState, step: string): ReadState {
  if (!isRead(state)) throw new Error(`page step '${step}' needs the page read first`);
  return state;
}
