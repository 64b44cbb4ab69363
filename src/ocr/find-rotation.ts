/**
 * Finding the quarter turn that makes a poorly read page upright, by reading samples of it turned
 * (the decisions are src/ocr/orientation.ts's; this file asks the recogniser).
 */
import {
  candidateTurns,
  centralSample,
  chooseRotation,
  GLANCE,
  horizontalShare,
  rotateGrey,
  wordsInside,
  type Rotation,
} from './orientation';
import type { GreyImage } from './pdf';
import { PSM, type Recognition, type Recognizer } from './tesseract';
import { confidentWordCount } from '../text/words';

/**
 * The quarter turn that makes a poorly read page upright, or 0. The middle of the page is read at the
 * turns its ink allows (src/ocr/orientation.ts), as one block: psm 6 has no vertical-text mode, so only
 * the upright turn reads well (psm 3 also reads a page turned 90° clockwise, which would tie with it).
 * The page as it came is judged from its first reading, inside the same square, without the words it
 * read as vertical text.
 */
export async function findRotation(recognizer: Recognizer, image: GreyImage, dpi: number, first: Recognition): Promise<Rotation> {
  const turns = candidateTurns(horizontalShare(centralSample(image)));
  // Lines across: a wide band; up or down: a high one, which the quarter turns make wide.
  const shape = turns.length === 3 ? 'square' : turns[0] === 180 ? 'across' : 'down';
  if (shape === 'across') {
    const glance = await recognizer.recognize(rotateGrey(centralSample(image, shape, undefined, GLANCE), 180), PSM.SINGLE_BLOCK, { dpi });
    if (confidentWordCount(glance.words) === 0) return 0;
  }
  const readTurns = async (sample: ReturnType<typeof centralSample>): Promise<Record<Rotation, number>> => {
    // Words read as vertical text (standing boxes) do not count: the sample's block reading could not read them.
    const lying = wordsInside(first.words, sample.box).filter((w) => w.x1 - w.x0 >= w.y1 - w.y0);
    const counts: Record<Rotation, number> = { 0: confidentWordCount(lying), 90: 0, 180: 0, 270: 0 };
    for (const turn of turns) {
      const read = await recognizer.recognize(rotateGrey(sample, turn), PSM.SINGLE_BLOCK, { dpi });
      counts[turn] = confidentWordCount(read.words);
    }
    return counts;
  };
  const counts = await readTurns(centralSample(image, shape));
  const chosen = chooseRotation(counts);
  if (chosen !== 0 || shape === 'square' || turns.every((t) => counts[t] === 0)) return chosen;
  // A turn read a few words in the band, too few to decide (a small page, the primary model alone):
  // the square around the band, three times the text, decides.
  return chooseRotation(await readTurns(centralSample(image, 'square')));
}
