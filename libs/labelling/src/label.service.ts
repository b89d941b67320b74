import { Injectable } from '@nestjs/common';
import { LabelData } from './label-data';
import { PngOptions, renderLabelPng } from './label-png';
import { renderLabelSheetPdf, SheetOptions } from './label-sheet-pdf';
import { labelsPerPage } from './label-size';
import { renderLabelSvg } from './label-svg';

/** The rendering functions as an injectable, for callers that prefer Nest's container. */
@Injectable()
export class LabelService {
  svg(data: LabelData): string {
    return renderLabelSvg(data);
  }

  png(data: LabelData, options?: PngOptions): Buffer {
    return renderLabelPng(data, options);
  }

  sheetPdf(labels: readonly LabelData[], options?: SheetOptions): Promise<Buffer> {
    return renderLabelSheetPdf(labels, options);
  }

  labelsPerPage(volumeLitres: number): number {
    return labelsPerPage(volumeLitres);
  }
}
