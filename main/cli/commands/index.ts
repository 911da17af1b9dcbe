// The command table: `shmscope --help` lists them in this order.
import type { Command } from '../command';
import { chat } from './chat';
import { create } from './create';
import { decode } from './decode';
import { dump } from './dump';
import { layout } from './layout';
import { limits } from './limits';
import { ls } from './ls';
import { rm } from './rm';
import { serve } from './serve';
import { show } from './show';
import { write } from './write';

export const commands: Command[] = [ls, show, dump, layout, decode, write, create, rm, limits, chat, serve];
