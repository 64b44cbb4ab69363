/**
 * Which way a claimed document is read, from its `document_source`: `acte` rows are deeds (prose),
 * anything else claimed is a register page (`index`, tables). Cadastral plans are never claimed (they go
 * 3 → 5 without OCR), so they need no mode. A worker's mode (src/pool/allocator.ts) is the same word.
 */
import type { OcrMode } from '../ocr/types';
import type { DocumentSource } from '../queue/types';

export function modeOf(source: DocumentSource): OcrMode {
  return source === 'acte' ? 'acte' : 'index';
}
