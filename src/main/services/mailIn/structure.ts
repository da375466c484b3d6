import type { MessageStructureObject } from 'imapflow';

/** A leaf of a message's BODYSTRUCTURE that carries a file name: a candidate attachment. */
export interface CandidatePart {
  /** The IMAP part specifier to download (`2`, `2.1`; `1` for a message that is one part). */
  part: string;
  /** The section holding the part's own MIME header (`2.MIME`, or `HEADER` for a one-part message). */
  headerSection: string;
  /** As BODYSTRUCTURE gives it (imapflow decodes RFC 2047/2231); may have lost raw 8-bit bytes. */
  name: string | undefined;
  type: string;
  encoding: string;
  /** Size on the server, in its transfer encoding. */
  encodedSize: number;
}

/**
 * The parts a rule may want, read from BODYSTRUCTURE alone so nothing is downloaded to
 * decide. A part counts when it is a leaf with a file name (Content-Disposition `filename`
 * or Content-Type `name`), whatever its disposition: mailers mark log attachments
 * `inline` as often as `attachment`. Multiparts and attached messages are walked into.
 */
export function candidateParts(structure: MessageStructureObject | undefined): CandidatePart[] {
  if (!structure) return [];
  const found: CandidatePart[] = [];
  const walk = (node: MessageStructureObject, isRoot: boolean) => {
    if (node.childNodes?.length) {
      for (const child of node.childNodes) walk(child, false);
      return;
    }
    if (node.type.toLowerCase().startsWith('multipart/')) return;
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    if (!name) return;
    const part = node.part ?? '1';
    found.push({
      part,
      headerSection: isRoot && !node.part ? 'HEADER' : `${part}.MIME`,
      name,
      type: node.type.toLowerCase(),
      encoding: (node.encoding ?? '7bit').toLowerCase(),
      encodedSize: node.size ?? 0,
    });
  };
  walk(structure, true);
  return found;
}

/** The decoded size a part will have: base64 carries 3 bytes in 4 characters (plus line breaks). */
export function estimatedDecodedBytes(encoding: string, encodedSize: number): number {
  if (encoding === 'base64') return Math.floor((encodedSize * 3) / 4 / (78 / 76));
  return encodedSize;
}
