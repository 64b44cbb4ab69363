/**
 * The pages of one document still to be read, shared between the job that holds its claim and idle
 * slots of the same process that help it (docs/architecture.md, "Idle workers help"). Each page is
 * handed out once: the job takes pages for its own thread, a helper borrows one for its thread and
 * settles it with the page's reading (which the job keeps, under its claim), or hands it back unread.
 * The job ends its reading when no page is left to take and none is out on loan.
 */
import type { OcrMode, PageResult } from '../ocr/types';

/** What a helper needs to read one page of someone else's document, and how it gives the page back. */
export interface LentPage {
  /** Which opened document this is (claim and attempt): a helper keeps it open for its next page. */
  key: string;
  documentId: string;
  /** 0-based page to read, of `total`. */
  index: number;
  total: number;
  pdf: Uint8Array;
  mode: OcrMode;
  /** When the document's reading began: its document budget counts from there. */
  startedAt: number;
  /** The page as read (or failed), or null when it was not read (the helper is stopping). Call once. */
  settle(page: PageResult | null): void;
}

export type LendInfo = Omit<LentPage, 'index' | 'settle'>;

export class PageShare {
  private readonly todo: number[];
  private readonly lent = new Map<number, Promise<void>>();
  private closed = false;

  constructor(
    todo: readonly number[],
    private readonly info: LendInfo,
    /** Keep a page a helper read (the job's fenced write); never rejects. */
    private readonly keep: (page: PageResult) => Promise<void>,
  ) {
    this.todo = [...todo];
  }

  /** The next page for the job's own thread, lowest first. */
  take(): number | undefined {
    return this.todo.shift();
  }

  /** A page for a helper, or undefined when none is left (or the job is over). */
  lend(): LentPage | undefined {
    if (this.closed) return undefined;
    const index = this.todo.shift();
    if (index === undefined) return undefined;
    let done!: () => void;
    this.lent.set(index, new Promise<void>((resolve) => (done = resolve)));
    let settled = false;
    return {
      ...this.info,
      index,
      settle: (page) => {
        if (settled) return;
        settled = true;
        const finish = () => {
          this.lent.delete(index);
          done();
        };
        if (page === null) {
          // Back to the front: the job's own thread takes it next.
          if (!this.closed) this.todo.unshift(index);
          finish();
        } else void this.keep(page).finally(finish);
      },
    };
  }

  /** Pages out on loan now. */
  get onLoan(): number {
    return this.lent.size;
  }

  /** Resolves when one of the pages on loan is settled. */
  settled(): Promise<void> {
    return Promise.race(this.lent.values());
  }

  /** No more lending: the job is reading its last pages, or is over. */
  close(): void {
    this.closed = true;
  }
}
