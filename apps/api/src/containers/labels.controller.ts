import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Post, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { ContainerLabelsService, ContainerPolicies, containerVisible } from '@app/containers';
import { ApiErrors } from '@app/errors';
import { LabelService } from '@app/labelling';
import { Authorize, policy } from '@app/parties';

class LabelSheetDto {
  @ApiProperty({ type: [String], description: 'Containers to print, 1–500, in print order.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  containerIds: string[];
}

/** Every container on the sheet must be visible to the caller. */
const sheetPolicy = policy('every container visible to the caller', async (ctx) => {
  const ids = (ctx.request.body as { containerIds?: unknown } | undefined)?.containerIds;
  if (!Array.isArray(ids)) return true; // the validation pipe answers malformed bodies
  for (const id of ids) await containerVisible(ctx, String(id));
  return true;
});

@ApiTags('labels')
@Controller()
export class LabelsController {
  constructor(
    private readonly data: ContainerLabelsService,
    private readonly labels: LabelService,
  ) {}

  @Get('containers/:id/label.svg')
  @Authorize(ContainerPolicies.read)
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOperation({ summary: 'The container label as SVG', description: 'HJ 1276 fields, orange for hazardous waste, the 医疗废物 warning for medical waste, sized by container volume, with the signed QR code.' })
  @ApiErrors('CONTAINER_NOT_FOUND')
  async svg(@Param('id', ParseUUIDPipe) id: string): Promise<string> {
    const [data] = await this.data.labelData([id]);
    return this.labels.svg(data);
  }

  @Get('containers/:id/label.png')
  @Authorize(ContainerPolicies.read)
  @ApiProduces('image/png')
  @ApiOperation({ summary: 'The container label as PNG (300 dpi)' })
  @ApiErrors('CONTAINER_NOT_FOUND')
  async png(@Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const [data] = await this.data.labelData([id]);
    return new StreamableFile(this.labels.png(data), { type: 'image/png' });
  }

  @Post('label-sheets')
  @Authorize(sheetPolicy)
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'A4 print sheet for a batch of labels (PDF)', description: 'Labels at true size with an embedded CJK font; the codes are real text.' })
  @ApiErrors('CONTAINER_NOT_FOUND', 'VALIDATION_FAILED')
  async sheet(@Body() dto: LabelSheetDto): Promise<StreamableFile> {
    const data = await this.data.labelData([...new Set(dto.containerIds)]);
    return new StreamableFile(await this.labels.sheetPdf(data), { type: 'application/pdf', disposition: 'inline; filename="labels.pdf"' });
  }
}
