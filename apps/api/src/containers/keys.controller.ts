import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { SIGNING_KEY, SigningKey } from '@app/config';
import { Public } from '@app/parties';

class PublicKeyView {
  @ApiProperty({ example: '3f9a0c1b2d4e5f60' }) keyId: string;
  @ApiProperty({ example: 'Ed25519' }) algorithm: string;
  @ApiProperty({ description: 'The raw 32-byte public key, base64url.' }) publicKey: string;
  @ApiProperty({ description: 'The same key as SPKI PEM.' }) pem: string;
}

class KeysResponse {
  @ApiProperty({ type: [PublicKeyView] }) keys: PublicKeyView[];
}

@ApiTags('keys')
@Controller('keys')
export class KeysController {
  constructor(@Inject(SIGNING_KEY) private readonly key: SigningKey) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The ledger public keys',
    description: 'Scanners pin these to verify labels offline (payload `WL1.<keyId>.<code>.<Ed25519 signature>`); auditors use them to check ledger checkpoints. No token needed.',
  })
  @ApiOkResponse({ type: KeysResponse })
  keys(): KeysResponse {
    return { keys: [{ keyId: this.key.keyId, algorithm: 'Ed25519', publicKey: this.key.publicKeyRaw, pem: this.key.publicKeyPem }] };
  }
}
