import type { Attack } from './attack';
import { httpBodyFlood } from './attacks/http-body-flood';
import { httpCrossOrigin } from './attacks/http-cross-origin';
import { httpLoginStall } from './attacks/http-login-stall';
import { kafkaListenerFloods } from './attacks/kafka-floods';

/** Every attack `npm run attack` runs, in order. Add one: a file in attacks/ exporting an Attack, listed here. */
export const attacks: Attack[] = [httpBodyFlood, httpLoginStall, httpCrossOrigin, kafkaListenerFloods];
