import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { PersonErasure } from './person-erasure';

@Module({ controllers: [ErasureController], providers: [PersonErasure] })
export class ErasureModule {}
