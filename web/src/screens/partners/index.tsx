import { useTranslation } from 'react-i18next';

export default function Partners() {
  const { t } = useTranslation('partners');
  return <h1>{t('title')}</h1>;
}
