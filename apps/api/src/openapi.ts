import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse, allErrorCodes } from '@app/errors';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const codes = [...allErrorCodes().entries()]
    .map(([code, d]) => `| \`${code}\` | ${d.status} | ${d.en} | ${d.zh} |`)
    .join('\n');
  const config = new DocumentBuilder()
    .setTitle('Waste ledger API')
    .setDescription(
      [
        'The ledger for hazardous and medical waste: one code per container (一物一码), electronic transfer manifests (电子转移联单), custody scans and reconciliation.',
        '',
        'Every request needs `Authorization: Bearer <token>` except health, keys and these docs.',
        'Errors always have the shape `{"error":{"code","message","details","requestId"}}`; the message is in Chinese when `Accept-Language` prefers zh.',
        '',
        '| code | status | message | 消息 |',
        '|---|---|---|---|',
        codes,
      ].join('\n'),
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (wl_…), issued per user and device.' })
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse] });
}

export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'docs-json',
    useGlobalPrefix: false,
  });
}
