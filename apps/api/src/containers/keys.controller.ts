import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { VERIFYING_KEYS, VerifyingKey } from '@app/config';
import { Public } from '@app/parties';

class PublicKeyView {
  @ApiProperty({ example: '3f9a0c1b2d4e5f60' }) keyId: string;
  @ApiProperty({ example: 'Ed25519' }) algorithm: string;
  @ApiProperty({ description: 'The raw 32-byte public key, base64url.' }) publicKey: string;
  @ApiProperty({ description: 'The same key as SPKI PEM.' }) pem: string;
  @ApiProperty({ enum: ['current', 'retired'], description: 'current: signs new labels and checkpoints; retired: signed earlier ones, which still verify.' }) status: 'current' | 'retired';
}

class KeysResponse {
  @ApiProperty({ type: [PublicKeyView] }) keys: PublicKeyView[];
}

@ApiTags('keys')
@Controller('keys')
export class KeysController {
  constructor(@Inject(VERIFYING_KEYS) private readonly verifying: VerifyingKey[]) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The ledger public keys',
    description:
      'Scanners pin these to verify labels offline (payload `WL1.<keyId>.<code>.<Ed25519 signature>`); auditors use them to check ledger checkpoints. The current key first; retired keys (after a rotation) still verify what they signed. No token needed.',
  })
  @ApiOkResponse({ type: KeysResponse })
  keys(): KeysResponse {
    return { keys: this.verifying.map((k) => ({ keyId: k.keyId, algorithm: 'Ed25519', publicKey: k.publicKeyRaw, pem: k.publicKeyPem, status: k.status })) };
  }
}
