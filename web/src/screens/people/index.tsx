import { useTranslation } from 'react-i18next';

export default function People() {
  const { t } = useTranslation('people');
  return <h1>{t('title')}</h1>;
}
