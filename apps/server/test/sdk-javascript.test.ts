import { describeOwnTests, describeSdkVariant, javascriptHost, javascriptShim } from './sdk-fixture.ts';

describeOwnTests('JavaScript', process.execPath, ['--test', 'test/*.test.mjs'], 'js');
describeSdkVariant(javascriptShim);
describeSdkVariant(javascriptHost(false));
describeSdkVariant(javascriptHost(true));
