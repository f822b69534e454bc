import { Module } from '@nestjs/common';
import { ErasureCompletion } from './erasure-completion';
import { ErasureController } from './erasure.controller';

@Module({ controllers: [ErasureController], providers: [ErasureCompletion] })
export class ErasureModule {}
